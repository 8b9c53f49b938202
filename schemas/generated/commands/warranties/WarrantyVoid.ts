// Generated from schemas/commands/warranties/WarrantyVoid.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyVoid = {
	warrantyId: string;
	reason: string;
};
