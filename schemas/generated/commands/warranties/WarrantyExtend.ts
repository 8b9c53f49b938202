// Generated from schemas/commands/warranties/WarrantyExtend.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyExtend = {
	warrantyId: string;
	months: number;
};
