// Generated from schemas/commands/warranties/WarrantyClaimApprove.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyClaimApprove = {
	claimId: string;
	note?: null | undefined | string;
};
