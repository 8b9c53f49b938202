// Generated from schemas/commands/inventory/ReservationRelease.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReservationRelease = {
	reservationId: string;
	reason?: null | undefined | string;
};
