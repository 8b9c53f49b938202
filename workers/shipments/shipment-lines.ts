import { BusinessRuleError } from '../../shared/errors';
import { quantitiesBySku, sortedLines } from '../../shared/domain';
import type { OrderStatus } from '../orders/entities';
import type { ShipmentLineValue } from './entities';

/** Order statuses a shipment may be created for: confirmed onwards and not held, finished or cancelled. */
export const SHIPPABLE_ORDER_STATES: readonly OrderStatus[] = ['confirmed', 'processing', 'shipped'];

/**
 * The lines a shipment carries, merged per SKU and sorted: all of the order's lines when none are
 * given, else the given ones, each a SKU of the order in at most the quantity ordered.
 */
export function shipmentLines(
  orderItems: readonly { sku: string; quantity: number }[],
  requested: readonly { sku: string; quantity: number }[] | null | undefined,
): ShipmentLineValue[] {
  const ordered = quantitiesBySku(orderItems);
  const asked = requested ? quantitiesBySku(requested) : ordered;
  for (const [sku, quantity] of asked) {
    const max = ordered.get(sku) ?? 0;
    if (max === 0) throw new BusinessRuleError(`${sku} is not a line of the order`, 'shipment_line_not_in_order');
    if (quantity > max) throw new BusinessRuleError(`${quantity} × ${sku} to ship, but the order has ${max}`, 'shipment_quantity_exceeded');
  }
  return sortedLines(asked);
}
