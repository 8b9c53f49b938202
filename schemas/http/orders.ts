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

export const orderUpdateBody = z
  .strictObject({
    customerId: identifier.optional(),
    items: z.array(orderLine).min(1).max(100).optional(),
    shippingAddress: address.optional(),
    billingAddress: address.optional(),
    notes: z.string().max(1000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'at least one field to change' });

/** Targets a client may ask for; cancellation has its own command. */
export const ORDER_TRANSITION_TARGETS = ['confirmed', 'processing', 'on_hold', 'shipped', 'delivered', 'refunded', 'exchanged'] as const;

export const orderTransitionBody = z.strictObject({
  to: z.enum(ORDER_TRANSITION_TARGETS),
  reason: z.string().min(1).max(500).optional(),
});

export const orderCancelBody = z.strictObject({ reason: z.string().min(1).max(500).optional() });
