import { z } from 'zod';
import { identifier, sku } from './common';

export const locationId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ -');

export const inventoryItemCreateBody = z.strictObject({
  sku,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
});

export const inventoryAdjustBody = z.strictObject({
  locationId: locationId.default('default'),
  delta: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((d) => d !== 0, 'delta must not be 0'),
  reason: z.enum(['received', 'counted', 'damaged', 'lost', 'returned', 'correction']),
});

export const inventoryReserveBody = z.strictObject({
  orderId: identifier,
  lines: z
    .array(z.strictObject({ sku, quantity: z.number().int().min(1).max(100_000), locationId: locationId.default('default') }))
    .min(1)
    .max(100),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional(),
});

export const reservationReleaseBody = z.strictObject({ reason: z.string().min(1).max(500).optional() });
