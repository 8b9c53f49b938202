// Generated from schemas/events/warranties/WarrantyExtended.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyExtended = {
	warrantyId: string;
	months: number;
	endsAt: string;
	tenantId: string;
	version: number;
};
