import { BusinessRuleError } from '../../shared/errors';
import type { OrderStatus } from '../orders/entities';
import type { ShipmentLineValue } from './entities';

/** Order statuses a shipment may be created for: confirmed onwards and not held, finished or cancelled. */
export const SHIPPABLE_ORDER_STATES: readonly OrderStatus[] = ['confirmed', 'processing', 'shipped'];

function totals(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.quantity);
  return m;
}

/**
 * The lines a shipment carries, merged per SKU and sorted: all of the order's lines when none are
 * given, else the given ones, each a SKU of the order in at most the quantity ordered.
 */
export function shipmentLines(
  orderItems: readonly { sku: string; quantity: number }[],
  requested: readonly { sku: string; quantity: number }[] | null | undefined,
): ShipmentLineValue[] {
  const ordered = totals(orderItems);
  const asked = requested ? totals(requested) : ordered;
  for (const [sku, quantity] of asked) {
    const max = ordered.get(sku) ?? 0;
    if (max === 0) throw new BusinessRuleError(`${sku} is not a line of the order`, 'shipment_line_not_in_order');
    if (quantity > max) throw new BusinessRuleError(`${quantity} × ${sku} to ship, but the order has ${max}`, 'shipment_quantity_exceeded');
  }
  return [...asked].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
