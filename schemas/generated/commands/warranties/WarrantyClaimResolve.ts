// Generated from schemas/commands/warranties/WarrantyClaimResolve.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface WarrantyClaimResolve {
	claimId: string;
	resolution?: null | undefined | string;
}
