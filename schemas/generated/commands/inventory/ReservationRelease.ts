// Generated from schemas/commands/inventory/ReservationRelease.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReservationRelease {
	reservationId: string;
	reason?: null | undefined | string;
}
