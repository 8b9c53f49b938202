// Generated from schemas/events/warranties/WarrantyRegistered.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyRegistered = {
	warrantyId: string;
	customerId: string;
	sku: string;
	orderId?: null | undefined | string;
	serialNumber?: null | undefined | string;
	startsAt: string;
	endsAt: string;
	tenantId: string;
	version: number;
};
