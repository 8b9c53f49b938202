// Generated from schemas/events/inventory/InventoryReservationFailed.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface InventoryReservationFailed {
	orderId: string;
	reason: string;
}
