import { defineEventHandler } from '../../../shared/worker';
import { InventoryItem } from '../entities';
import { adjustStock, lockBalance, MAX_ON_HAND } from '../stock';

/**
 * return.restocked → the returned quantities are added to on-hand stock at location 'default'
 * (reason 'returned'), all lines or none, and the outcome goes back as inventory.restock_settled
 * so the return can show it. Balances are locked in SKU order, like reservations, so this cannot
 * deadlock with them. Every SKU is checked before any is adjusted: a refusal then leaves nothing
 * half applied, and is an outcome (event + audit), not an error, since the return already happened.
 */
export const onReturnRestocked = defineEventHandler({
  event: 'return.restocked.v1',
  async handle(evt, ctx) {
    const skus = [...new Set(evt.lines.map((l) => l.sku))].sort();
    const known = new Set((await ctx.em.find(InventoryItem, { tenantId: ctx.tenantId, sku: { $in: skus } })).map((i) => i.sku));
    const unknown = skus.filter((s) => !known.has(s));
    let reason: string | null = unknown.length > 0 ? `unknown SKU ${unknown.join(', ')}` : null;
    if (!reason) {
      // The stock bound is checked here too: a restock over it is a refused outcome, not an error.
      const wanted = new Map<string, number>();
      for (const l of evt.lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
      for (const sku of skus) {
        const b = await lockBalance(ctx.em, ctx.tenantId, sku, 'default');
        if (b.onHand + wanted.get(sku)! > MAX_ON_HAND) reason = `restocking ${sku} would hold more than ${MAX_ON_HAND} units`;
      }
    }
    if (reason) {
      ctx.emit('inventory.restock_settled.v1', { returnId: evt.returnId, orderId: evt.orderId, outcome: 'refused', reason }, null);
      ctx.outbox.audit({
        tenantId: ctx.tenantId,
        principal: ctx.principal,
        operationId: ctx.operationId,
        requestId: ctx.requestId,
        action: 'restock.refused',
        outcome: 'failure',
        resourceType: 'return',
        resourceId: evt.returnId,
        details: { orderId: evt.orderId, reason },
      });
      return;
    }
    for (const l of [...evt.lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
      await adjustStock(ctx, l.sku, 'default', l.quantity, 'returned');
    }
    ctx.emit('inventory.restock_settled.v1', { returnId: evt.returnId, orderId: evt.orderId, outcome: 'applied', reason: null }, null);
  },
});
