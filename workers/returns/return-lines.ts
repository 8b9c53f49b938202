import { BusinessRuleError } from '../../shared/errors';
import type { ReturnLineValue } from './entities';

function totals(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.quantity);
  return m;
}

/**
 * The lines of a new return, merged per SKU and sorted, or a BusinessRuleError: every SKU must be a
 * line of the order, and per SKU the quantity asked for plus what other (not rejected) returns of
 * the order already claim must not exceed the quantity ordered.
 */
export function returnableLines(
  orderItems: readonly { sku: string; quantity: number }[],
  alreadyReturned: readonly { sku: string; quantity: number }[],
  requested: readonly { sku: string; quantity: number }[],
): ReturnLineValue[] {
  const ordered = totals(orderItems);
  const returned = totals(alreadyReturned);
  const asked = totals(requested);
  for (const [sku, quantity] of asked) {
    const max = ordered.get(sku) ?? 0;
    if (max === 0) throw new BusinessRuleError(`${sku} is not a line of the order`, 'return_line_not_in_order');
    const left = max - (returned.get(sku) ?? 0);
    if (quantity > left) {
      throw new BusinessRuleError(`${quantity} × ${sku} asked back, but only ${left} of the ${max} ordered can still be returned`, 'return_quantity_exceeded');
    }
  }
  return [...asked].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
