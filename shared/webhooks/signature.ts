import { createHmac } from 'node:crypto';

/** The HMAC key of a `whsec_<base64>` secret: its decoded bytes (Standard Webhooks). */
function keyBytes(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('a webhook signing secret starts with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, as Standard Webhooks signs. */
export function signatureOf(secret: string, id: string, timestampS: number, body: string): string {
  return `v1,${createHmac('sha256', keyBytes(secret)).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
}

/**
 * The headers of one delivery attempt. Several secrets (during a rotation) give several
 * space-separated signatures; a receiver accepts the message if any one verifies.
 */
export function webhookHeaders(secrets: readonly string[], id: string, timestampS: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': secrets.map((s) => signatureOf(s, id, timestampS, body)).join(' '),
  };
}
