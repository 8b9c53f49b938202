import type { EntityManager } from '@mikro-orm/postgresql';
import { Order, type OrderRow, type OrderStatus } from './entities';
import { NotFoundError } from '../../shared/errors';
import type { HandlerContext } from '../../shared/worker';
import { orderStates } from './order-states';

/** The tenant's order, or NotFoundError (another tenant's order does not exist for this one). */
export async function loadOrder(em: EntityManager, tenantId: string, id: string): Promise<OrderRow> {
  const order = await em.findOne(Order, { id, tenantId });
  if (!order) throw new NotFoundError(`order ${id} not found`);
  return order;
}

/** Applies a state-machine transition with its event and audit record. */
export function transitionOrder(ctx: HandlerContext, order: OrderRow, to: OrderStatus, reason: string | null): void {
  const from = order.status;
  orderStates.assert(from, to);
  order.status = to;
  order.holdReason = to === 'on_hold' ? reason : null;
  if (to === 'cancelled') {
    ctx.emit('order.cancelled.v1', { orderId: order.id, from, reason }, order);
  }
  ctx.emit('order.status_changed.v1', { orderId: order.id, from, to, reason }, order);
  ctx.stateChanged('order', order.id, from, to, reason ? { reason } : undefined);
}

export function orderTotal(items: { quantity: number; unitPriceMinor: number }[]): number {
  return items.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
}
