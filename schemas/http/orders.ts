import { z } from 'zod';
import { address, currencyCode, identifier, orderLine } from './common';

export const orderCreateBody = z.strictObject({
  customerId: identifier,
  currency: currencyCode,
  items: z.array(orderLine).min(1).max(100),
  shippingAddress: address.nullable().optional(),
  billingAddress: address.nullable().optional(),
  notes: z.string().max(1000).nullable().optional(),
});
