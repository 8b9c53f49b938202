// Generated from schemas/commands/warranties/WarrantyClaimResolve.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyClaimResolve = {
	claimId: string;
	resolution?: null | undefined | string;
};
