import { defineHandler } from '../../../shared/worker';
import { loadOrder, transitionOrder } from '../order-repository';

export const orderCancel = defineHandler({
  command: 'order.cancel.v1',
  target: (cmd, ctx) => loadOrder(ctx.em, ctx.tenantId, cmd.orderId),
  async handle(cmd, ctx) {
    const order = await loadOrder(ctx.em, ctx.tenantId, cmd.orderId);
    transitionOrder(ctx, order, 'cancelled', cmd.reason ?? null);
    return { type: 'order', id: order.id };
  },
});
