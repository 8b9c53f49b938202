import { defineEventHandler } from '../../../shared/worker';
import { loadOrder, transitionOrder } from '../order-repository';

/** Stock could not be held → the order waits on hold, with the reason for a person to read. */
export const onReservationFailed = defineEventHandler({
  event: 'inventory.reservation_failed.v1',
  async handle(evt, ctx) {
    const order = await loadOrder(ctx.em, ctx.tenantId, evt.orderId);
    transitionOrder(ctx, order, 'on_hold', evt.reason);
  },
});
