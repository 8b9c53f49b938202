// Generated from schemas/commands/inventory/InventoryReserve.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReservationLine = {
	sku: string;
	locationId: string;
	quantity: number;
};

export type InventoryReserve = {
	reservationId: string;
	orderId: string;
	lines: ReservationLine[];
	ttlSeconds?: null | undefined | number;
};
