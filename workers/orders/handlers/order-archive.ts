import { defineHandler } from '../../../shared/worker';
import { BusinessRuleError } from '../../../shared/errors';
import { loadOrder } from '../order-repository';
import { FINISHED_STATES } from '../order-states';

export const orderArchive = defineHandler({
  command: 'order.archive.v1',
  target: (cmd, ctx) => loadOrder(ctx.em, ctx.tenantId, cmd.orderId),
  async handle(cmd, ctx) {
    const order = await loadOrder(ctx.em, ctx.tenantId, cmd.orderId);
    if (order.archivedAt) throw new BusinessRuleError('order is already archived', 'order_archived');
    if (!FINISHED_STATES.includes(order.status)) {
      throw new BusinessRuleError(`only a finished order can be archived; it is ${order.status}`, 'order_not_finished');
    }
    order.archivedAt = new Date();
    ctx.emit('order.archived.v1', { orderId: order.id }, order);
    ctx.stateChanged('order', order.id, order.status, order.status, { change: 'archived' });
    return { type: 'order', id: order.id };
  },
});
