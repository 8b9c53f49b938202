// Generated from schemas/events/inventory/InventoryReservationFailed.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryReservationFailed = {
	orderId: string;
	reason: string;
	tenantId: string;
	version: number;
};
