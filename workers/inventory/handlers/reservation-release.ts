import { defineHandler } from '../../../shared/worker';
import { endReservation, loadReservation } from '../stock';

export const reservationRelease = defineHandler({
  command: 'inventory.reservation.release.v1',
  target: (cmd, ctx) => loadReservation(ctx.em, ctx.tenantId, cmd.reservationId),
  async handle(cmd, ctx) {
    const r = await loadReservation(ctx.em, ctx.tenantId, cmd.reservationId);
    await endReservation(ctx, r, 'released');
    return { type: 'reservation', id: r.id };
  },
});
