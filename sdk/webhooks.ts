import { createHmac, timingSafeEqual } from 'node:crypto';

/** Node's IncomingHttpHeaders, a fetch Headers object, or a plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the webhook-timestamp may be from now, in seconds, either way (default 300, as Standard Webhooks advises). */
  toleranceS?: number;
  /** The time to check against (tests). */
  now?: Date;
}

export interface VerifiedWebhook<T = unknown> {
  /** webhook-id: the same on every redelivery of a message, the key to deduplicate on. */
  id: string;
  timestamp: Date;
  /** The body, parsed as JSON. */
  payload: T;
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

/** The HMAC key of a signing secret: the base64 after `whsec_` (a bare base64 secret is taken too). */
function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) throw new WebhookVerificationError('the signing secret is empty or not base64');
  return key;
}

/**
 * Verifies a webhook delivery as Standard Webhooks (standardwebhooks.com) defines it and returns its
 * payload: the `v1` HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the
 * endpoint's `whsec_` secret, must match one signature of webhook-signature (constant-time), and
 * the timestamp must be within `toleranceS` of now (a replayed old message is refused). `body` must
 * be the raw bytes received: a re-serialized JSON object does not verify. Several secrets (during a
 * rotation) are tried in turn. Throws WebhookVerificationError.
 */
export function verifyWebhook<T = unknown>(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array,
  opts: VerifyOptions = {},
): VerifiedWebhook<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature');
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is not a Unix time in seconds');
  const nowS = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const toleranceS = opts.toleranceS ?? 300;
  if (Math.abs(nowS - Number(timestamp)) > toleranceS) throw new WebhookVerificationError('webhook-timestamp is outside the tolerance');

  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), raw]);
  const given = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter(([version, sig]) => version === 'v1' && sig)
    .map(([, sig]) => Buffer.from(sig!, 'base64'));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const matches = secrets.some((s) => {
    const expected = createHmac('sha256', keyOf(s)).update(signed).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
  if (!matches) throw new WebhookVerificationError('no webhook-signature matches');
  let payload: T;
  try {
    payload = JSON.parse(raw.toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
  return { id, timestamp: new Date(Number(timestamp) * 1000), payload };
}
