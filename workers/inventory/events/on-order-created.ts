import { randomUUID } from 'node:crypto';
import { defineEventHandler } from '../../../shared/worker';
import { reserveStock } from '../stock';

/** order.created → hold the order's stock; when it cannot be held, say so with an event. */
export function onOrderCreated(ttlSeconds: number) {
  return defineEventHandler({
    event: 'order.created.v1',
    async handle(evt, ctx) {
      const lines = evt.items.map((i) => ({ sku: i.sku, locationId: 'default', quantity: i.quantity }));
      const r = await reserveStock(ctx, randomUUID(), evt.orderId, lines, ttlSeconds);
      if (!r.ok) {
        ctx.emit('inventory.reservation_failed.v1', { orderId: evt.orderId, reason: r.reason }, null);
        ctx.outbox.audit({
          tenantId: ctx.tenantId,
          principal: ctx.principal,
          operationId: ctx.operationId,
          requestId: ctx.requestId,
          action: 'reservation.failed',
          outcome: 'failure',
          resourceType: 'order',
          resourceId: evt.orderId,
          details: { reason: r.reason },
        });
      }
    },
  });
}
