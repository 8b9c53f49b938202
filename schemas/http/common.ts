import { z } from 'zod';

// `.length()` says what the pattern already demands, so the OpenAPI document can state the bound.
export const currencyCode = z
  .string()
  .length(3)
  .regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR');
/**
 * Longest timestamp accepted. zod's RFC 3339 pattern admits any number of fraction digits; one
 * with nanoseconds and an offset has 35 characters.
 */
export const MAX_TIMESTAMP_LENGTH = 64;
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');
export const sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ -');

export const address = z.strictObject({
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).nullable().optional(),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(1).max(20),
  country: z
    .string()
    .length(2)
    .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code'),
});

export const orderLine = z.strictObject({
  sku,
  quantity: z.number().int().min(1).max(10_000),
  unitPriceMinor: z.number().int().min(0).max(1_000_000_000),
});

/** Body of a command whose path says it all (approve, confirm, …): nothing else may be sent. */
export const emptyBody = z.strictObject({});
