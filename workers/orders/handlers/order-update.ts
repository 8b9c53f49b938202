import { defineHandler } from '../../../shared/worker';
import { BusinessRuleError } from '../../../shared/errors';
import type { OrderUpdate } from '../../../schemas/generated';
import { loadOrder, orderTotal } from '../order-repository';
import { EDITABLE_STATES } from '../order-states';

export const orderUpdate = defineHandler({
  command: 'order.update.v1',
  target: (cmd, ctx) => loadOrder(ctx.em, ctx.tenantId, cmd.orderId),
  async handle(cmd, ctx) {
    const order = await loadOrder(ctx.em, ctx.tenantId, cmd.orderId);
    if (!EDITABLE_STATES.includes(order.status)) {
      throw new BusinessRuleError(`an order can be changed only while ${EDITABLE_STATES.join(' or ')}; it is ${order.status}`, 'order_not_editable');
    }
    if (cmd.customerId) order.customerId = cmd.customerId;
    if (cmd.items) {
      order.items = cmd.items;
      order.totalMinor = orderTotal(cmd.items);
    }
    if (cmd.shippingAddress) order.shippingAddress = cmd.shippingAddress;
    if (cmd.billingAddress) order.billingAddress = cmd.billingAddress;
    if (cmd.notes) order.notes = cmd.notes;
    ctx.emit('order.updated.v1', { orderId: order.id, items: order.items, totalMinor: Number(order.totalMinor) }, order);
    ctx.stateChanged('order', order.id, order.status, order.status, {
      change: 'updated',
      fields: Object.keys(cmd).filter((k) => k !== 'orderId' && cmd[k as keyof OrderUpdate] != null),
    });
    return { type: 'order', id: order.id };
  },
});
