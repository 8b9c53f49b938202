// Generated from schemas/events/inventory/InventoryReserved.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReservationLine = {
	sku: string;
	locationId: string;
	quantity: number;
};

export type InventoryReserved = {
	reservationId: string;
	orderId: string;
	lines: ReservationLine[];
	expiresAt: string;
	tenantId: string;
	version: number;
};
