import { defineHandler } from '../../../shared/worker';
import { Order, type OrderRow } from '../entities';
import { ConflictError } from '../../../shared/errors';
import { orderTotal } from '../order-repository';

/** order.create.v1 → a pending order with its total computed here, never taken from the client. */
export const orderCreate = defineHandler({
  command: 'order.create.v1',
  async handle(cmd, ctx) {
    if (await ctx.em.findOne(Order, { id: cmd.orderId })) throw new ConflictError(`order ${cmd.orderId} already exists`);
    const totalMinor = orderTotal(cmd.items);
    const now = new Date();
    const order = ctx.em.create(Order, {
      id: cmd.orderId,
      tenantId: ctx.tenantId,
      status: 'pending',
      customerId: cmd.customerId,
      currency: cmd.currency,
      items: cmd.items,
      shippingAddress: cmd.shippingAddress ?? null,
      billingAddress: cmd.billingAddress ?? null,
      notes: cmd.notes ?? null,
      totalMinor,
      holdReason: null,
      archivedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies OrderRow);
    ctx.emit(
      'order.created.v1',
      {
        orderId: cmd.orderId,
        customerId: cmd.customerId,
        currency: cmd.currency,
        items: cmd.items,
        totalMinor,
        status: 'pending',
      },
      order,
    );
    ctx.stateChanged('order', cmd.orderId, null, 'pending');
    return { type: 'order', id: cmd.orderId };
  },
});
