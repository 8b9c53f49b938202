// Generated from schemas/commands/inventory/ReservationConfirm.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReservationConfirm = {
	reservationId: string;
};
