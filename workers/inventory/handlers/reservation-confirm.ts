import { defineHandler } from '../../../shared/worker';
import { loadReservation } from '../stock';
import { reservationStates } from '../reservation-states';

export const reservationConfirm = defineHandler({
  command: 'inventory.reservation.confirm.v1',
  target: (cmd, ctx) => loadReservation(ctx.em, ctx.tenantId, cmd.reservationId),
  async handle(cmd, ctx) {
    const r = await loadReservation(ctx.em, ctx.tenantId, cmd.reservationId);
    reservationStates.assert(r.status, 'confirmed');
    const from = r.status;
    r.status = 'confirmed';
    ctx.emit('inventory.reservation_status_changed.v1', { reservationId: r.id, orderId: r.orderId, from, to: 'confirmed' }, r);
    ctx.stateChanged('reservation', r.id, from, 'confirmed', { orderId: r.orderId });
    return { type: 'reservation', id: r.id };
  },
});
