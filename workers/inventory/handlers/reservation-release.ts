import { defineHandler } from '../../../shared/worker';
import type { ReservationRelease } from '../../../schemas/generated';
import { endReservation, loadReservation } from '../stock';

export const reservationRelease = defineHandler<ReservationRelease>({
  command: 'inventory.reservation.release.v1',
  async handle(cmd, ctx) {
    const r = await loadReservation(ctx.em, ctx.tenantId, cmd.reservationId);
    await endReservation(ctx, r, 'released');
    return { type: 'reservation', id: r.id };
  },
});
