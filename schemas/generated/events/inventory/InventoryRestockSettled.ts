// Generated from schemas/events/inventory/InventoryRestockSettled.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryRestockSettled = {
	returnId: string;
	orderId: string;
	outcome: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
