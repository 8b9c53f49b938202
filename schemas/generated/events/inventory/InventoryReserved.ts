// Generated from schemas/events/inventory/InventoryReserved.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReservationLine {
	sku: string;
	locationId: string;
	quantity: number;
}

export interface InventoryReserved {
	reservationId: string;
	orderId: string;
	lines: ReservationLine[];
	expiresAt: string;
}
