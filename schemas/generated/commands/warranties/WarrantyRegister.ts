// Generated from schemas/commands/warranties/WarrantyRegister.avsc by ops/schemas/generate-types.ts. Do not edit.

export type WarrantyRegister = {
	warrantyId: string;
	customerId: string;
	sku: string;
	orderId?: null | undefined | string;
	serialNumber?: null | undefined | string;
	startsAt?: null | undefined | string;
	months: number;
};
