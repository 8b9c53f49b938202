// Generated from schemas/commands/warranties/WarrantyClaimReject.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyClaimReject = {
	claimId: string;
	reason: string;
};
