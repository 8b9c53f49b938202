import { z } from 'zod';
import { sku } from './common';

export const carrier = z.string().min(1).max(64);

export const shipmentCreateBody = z.strictObject({
  orderId: z.string().uuid(),
  carrier: carrier.optional(),
  /** Omitted = every line of the order. */
  lines: z
    .array(z.strictObject({ sku, quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100)
    .optional(),
});

export const shipmentShipBody = z.strictObject({
  carrier,
  trackingNumber: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._ -]+$/, 'letters, digits, space and . _ -'),
});

export const shipmentExceptionBody = z.strictObject({ reason: z.string().min(1).max(500) });
