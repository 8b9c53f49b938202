// Generated from schemas/events/inventory/ReservationStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReservationStatusChanged {
	reservationId: string;
	orderId: string;
	from: string;
	to: string;
}
