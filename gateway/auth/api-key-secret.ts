import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key format `sk_<env>_<keyId>_<secret>`: keyId (64 bits) finds the row, secret (256 bits
 * from the CSPRNG) proves possession. Only HMAC-SHA-256(pepper, secret) is stored.
 */
const FORMAT = /^sk_(live|test)_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  env: 'live' | 'test';
  keyId: string;
  secret: string;
}

export function generateApiKey(env: 'live' | 'test'): { raw: string; keyId: string; secret: string; redacted: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const raw = `sk_${env}_${keyId}_${secret}`;
  return { raw, keyId, secret, redacted: redactApiKey(env, keyId, secret) };
}

export function parseApiKey(raw: string): ParsedApiKey | null {
  const m = FORMAT.exec(raw);
  if (!m) return null;
  return { env: m[1] as 'live' | 'test', keyId: m[2]!, secret: m[3]! };
}

export function hashSecret(pepper: string, secret: string): string {
  return createHmac('sha256', pepper).update(secret).digest('hex');
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function secretMatches(pepper: string, secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(pepper, secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function redactApiKey(env: string, keyId: string, secret: string): string {
  return `sk_${env}_${keyId}_…${secret.slice(-4)}`;
}
