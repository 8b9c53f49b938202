import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The signing secret of an endpoint, in the Standard Webhooks format: `whsec_` + base64 of 32
 * random bytes (the HMAC key is the decoded bytes).
 */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const SEALED = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)$/;

function keyOf(material: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'stateset webhook signing secrets v1', 32));
}

/**
 * Signing secrets at rest: the dispatcher must sign with them, so unlike API keys they cannot be
 * hashed. AES-256-GCM under a key derived (HKDF) from WEBHOOK_SECRET_KEY, the endpoint id as
 * associated data so a sealed secret copied onto another endpoint's row does not open. During a key
 * rotation WEBHOOK_SECRET_KEY_PREVIOUS still opens what the old key sealed.
 */
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(key: string, previousKey?: string) {
    this.keys = [keyOf(key), ...(previousKey ? [keyOf(previousKey)] : [])];
  }

  seal(secret: string, endpointId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  open(sealed: string, endpointId: string): string {
    const m = SEALED.exec(sealed);
    if (!m) throw new Error('not a sealed webhook secret');
    const [iv, body, tag] = [m[1]!, m[2]!, m[3]!].map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(endpointId));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // the next key, if any
      }
    }
    // No detail: which key failed, or the ciphertext, helps nobody reading a log.
    throw new Error('the webhook secret cannot be opened with WEBHOOK_SECRET_KEY (or WEBHOOK_SECRET_KEY_PREVIOUS)');
  }
}
