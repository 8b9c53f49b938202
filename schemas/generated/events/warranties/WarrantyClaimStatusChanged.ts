// Generated from schemas/events/warranties/WarrantyClaimStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyClaimStatusChanged = {
	claimId: string;
	warrantyId: string;
	from?: null | undefined | string;
	to: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
