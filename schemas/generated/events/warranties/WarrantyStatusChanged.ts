// Generated from schemas/events/warranties/WarrantyStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyStatusChanged = {
	warrantyId: string;
	from: string;
	to: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
