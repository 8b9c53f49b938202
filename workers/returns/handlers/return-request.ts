import { defineHandler } from '../../../shared/worker';
import { PublishedOrder } from '../../orders/entities';
import { Return, type ReturnRow } from '../entities';
import { BusinessRuleError, ConflictError, InputError, NotFoundError } from '../../../shared/errors';
import { isUuid } from '../../../shared/domain';
import { returnableLines } from '../return-lines';
import { lockReturnsOfOrder } from '../return-repository';

/** return.request.v1 → a requested return of lines of a delivered order of the same tenant. */
export const returnRequest = defineHandler({
  command: 'return.request.v1',
  async handle(cmd, ctx) {
    if (!isUuid(cmd.returnId)) throw new InputError(`return id ${cmd.returnId} is not a UUID`);
    if (await ctx.em.findOne(Return, { id: cmd.returnId })) throw new ConflictError(`return ${cmd.returnId} already exists`);
    // The order as the orders domain publishes it (a read, never a lock: see PublishedOrder).
    const order = isUuid(cmd.orderId) ? await ctx.em.findOne(PublishedOrder, { id: cmd.orderId, tenantId: ctx.tenantId }) : null;
    if (!order) throw new NotFoundError(`order ${cmd.orderId} not found`);
    if (order.status !== 'delivered') {
      throw new BusinessRuleError(`only a delivered order can be returned; order ${order.id} is ${order.status}`, 'order_not_delivered');
    }
    await lockReturnsOfOrder(ctx.em, ctx.tenantId, order.id);
    const others = await ctx.em.find(Return, { tenantId: ctx.tenantId, orderId: order.id, status: { $ne: 'rejected' } });
    const lines = returnableLines(
      order.items,
      others.flatMap((r) => r.lines),
      cmd.lines,
    );
    const now = new Date();
    const created = ctx.em.create(Return, {
      id: cmd.returnId,
      tenantId: ctx.tenantId,
      orderId: order.id,
      status: 'requested',
      lines,
      reason: cmd.reason,
      rejectionReason: null,
      restockOutcome: null,
      restockRefusalReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies ReturnRow);
    ctx.emit('return.requested.v1', { returnId: cmd.returnId, orderId: order.id, lines, reason: cmd.reason }, created);
    ctx.stateChanged('return', cmd.returnId, null, 'requested', { orderId: order.id });
    return { type: 'return', id: cmd.returnId };
  },
});
