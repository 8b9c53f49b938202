import { defineEventHandler } from '../../../shared/worker';
import type { ReturnRestocked } from '../../../schemas/generated';
import { adjustStock } from '../stock';

/**
 * return.restocked → the returned quantities are added to on-hand stock at location 'default'
 * (reason 'returned'), all lines or none. Balances are locked in SKU order, like reservations, so
 * this cannot deadlock with them. An unknown SKU fails the reaction (audited, not retried).
 */
export const onReturnRestocked = defineEventHandler<ReturnRestocked>({
  event: 'return.restocked.v1',
  async handle(evt, ctx) {
    for (const l of [...evt.lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
      await adjustStock(ctx, l.sku, 'default', l.quantity, 'returned');
    }
  },
});
