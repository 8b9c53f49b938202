// Generated from schemas/commands/inventory/ReservationConfirm.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReservationConfirm {
	reservationId: string;
}
