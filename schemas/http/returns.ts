import { z } from 'zod';
import { sku } from './common';

export const returnLine = z.strictObject({ sku, quantity: z.number().int().min(1).max(10_000) });

export const returnRequestBody = z.strictObject({
  orderId: z.string().uuid(),
  lines: z.array(returnLine).min(1).max(100),
  reason: z.string().min(1).max(500),
});

export const returnRejectBody = z.strictObject({ reason: z.string().min(1).max(500) });
