import { defineHandler } from '../../../shared/worker';
import { InputError } from '../../../shared/errors';
import { loadOrder, transitionOrder } from '../order-repository';
import { orderStates } from '../order-states';

export const orderTransition = defineHandler({
  command: 'order.transition.v1',
  target: (cmd, ctx) => loadOrder(ctx.em, ctx.tenantId, cmd.orderId),
  async handle(cmd, ctx) {
    if (!orderStates.isState(cmd.to) || cmd.to === 'cancelled' || cmd.to === 'pending') {
      throw new InputError(`unknown or unsupported target status ${cmd.to}`);
    }
    const order = await loadOrder(ctx.em, ctx.tenantId, cmd.orderId);
    transitionOrder(ctx, order, cmd.to, cmd.reason ?? null);
    return { type: 'order', id: order.id };
  },
});
