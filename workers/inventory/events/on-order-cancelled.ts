import { defineEventHandler } from '../../../shared/worker';
import { Reservation } from '../entities';
import { endReservation } from '../stock';

/** order.cancelled → every reservation still holding stock for it is cancelled. */
export const onOrderCancelled = defineEventHandler({
  event: 'order.cancelled.v1',
  async handle(evt, ctx) {
    const holding = await ctx.em.find(Reservation, {
      tenantId: ctx.tenantId,
      orderId: evt.orderId,
      status: { $in: ['pending', 'confirmed'] },
    });
    for (const r of holding) await endReservation(ctx, r, 'cancelled');
  },
});
