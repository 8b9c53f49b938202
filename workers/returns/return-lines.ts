import { BusinessRuleError } from '../../shared/errors';
import { quantitiesBySku, sortedLines } from '../../shared/domain';
import type { ReturnLineValue } from './entities';

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
  const ordered = quantitiesBySku(orderItems);
  const returned = quantitiesBySku(alreadyReturned);
  const asked = quantitiesBySku(requested);
  for (const [sku, quantity] of asked) {
    const max = ordered.get(sku) ?? 0;
    if (max === 0) throw new BusinessRuleError(`${sku} is not a line of the order`, 'return_line_not_in_order');
    const left = max - (returned.get(sku) ?? 0);
    if (quantity > left) {
      throw new BusinessRuleError(`${quantity} × ${sku} asked back, but only ${left} of the ${max} ordered can still be returned`, 'return_quantity_exceeded');
    }
  }
  return sortedLines(asked);
}
