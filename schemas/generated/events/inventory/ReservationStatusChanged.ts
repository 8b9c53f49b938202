// Generated from schemas/events/inventory/ReservationStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReservationStatusChanged = {
	reservationId: string;
	orderId: string;
	from: string;
	to: string;
	tenantId: string;
	version: number;
};
