// Generated from schemas/commands/warranties/WarrantyClaimSubmit.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyClaimSubmit = {
	claimId: string;
	warrantyId: string;
	description: string;
};
