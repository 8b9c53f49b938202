import { z } from 'zod';
import { identifier, MAX_TIMESTAMP_LENGTH, sku } from './common';

export const warrantyMonths = z.number().int().min(1).max(120);

export const warrantyRegisterBody = z.strictObject({
  customerId: identifier,
  sku,
  orderId: z.string().uuid().optional(),
  serialNumber: z.string().min(1).max(128).optional(),
  /** ISO 8601 instant with an offset; omitted = when the command is accepted. */
  startsAt: z.string().datetime({ offset: true }).max(MAX_TIMESTAMP_LENGTH).optional(),
  months: warrantyMonths,
});

export const warrantyExtendBody = z.strictObject({ months: warrantyMonths });
export const warrantyVoidBody = z.strictObject({ reason: z.string().min(1).max(500) });

export const warrantyClaimSubmitBody = z.strictObject({ description: z.string().min(1).max(2000) });
export const warrantyClaimApproveBody = z.strictObject({ note: z.string().min(1).max(500).optional() });
export const warrantyClaimRejectBody = z.strictObject({ reason: z.string().min(1).max(500) });
export const warrantyClaimResolveBody = z.strictObject({ resolution: z.string().min(1).max(2000).optional() });
