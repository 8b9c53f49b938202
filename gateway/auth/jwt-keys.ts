import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Algorithm } from 'jsonwebtoken';
import { ConfigError } from '../../shared/errors';
import type { SigningKeyEntry } from '../../shared/config';

/**
 * The gateway's own JWT signing keys (ES256, P-256). One key is `current` and signs; `previous`
 * keys still verify (rotation overlap); `revoked` keys are refused with reason `revoked`.
 * Keys come from JWT_SIGNING_KEYS (PEM or a per-key seed) or, when that list is empty, one key
 * is derived deterministically from JWT_SIGNING_SEED so every gateway instance agrees on it.
 */
export const LOCAL_ALGORITHMS: readonly Algorithm[] = ['ES256'];

export interface VerificationKey {
  kid: string;
  /** The only algorithms accepted with this key, whatever the token's header says. */
  algorithms: Algorithm[];
  key: KeyObject;
  revoked: boolean;
}

export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: KeyObject;
}

const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** Deterministic P-256 private key from a secret seed: d = HMAC-SHA-256(seed, kid) mod (n-1) + 1. */
export function es256KeyFromSeed(seed: string, kid: string): KeyObject {
  const h = BigInt(`0x${createHmac('sha256', seed).update(`stateset-jwt-es256:${kid}`).digest('hex')}`);
  const d = Buffer.from(((h % (P256_ORDER - 1n)) + 1n).toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey(); // 0x04 || x || y
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: d.toString('base64url'),
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33, 65).toString('base64url'),
    },
  });
}

export class SigningKeyRing {
  private constructor(
    readonly current: SigningKey,
    private readonly keys: Map<string, VerificationKey>,
  ) {}

  /** Builds the ring from JWT_SIGNING_KEYS as the config schema checked it (kids, curve, one current key). */
  static fromConfig(config: { JWT_SIGNING_KEYS: readonly SigningKeyEntry[]; JWT_SIGNING_SEED: string }): SigningKeyRing {
    const entries: readonly SigningKeyEntry[] =
      config.JWT_SIGNING_KEYS.length > 0
        ? config.JWT_SIGNING_KEYS
        : [
            {
              kid: `seed-${createHash('sha256').update(config.JWT_SIGNING_SEED).digest('hex').slice(0, 12)}`,
              status: 'current',
              alg: 'ES256',
              seed: config.JWT_SIGNING_SEED,
            },
          ];
    const keys = new Map<string, VerificationKey>();
    let current: SigningKey | undefined;
    for (const e of entries) {
      const priv = e.seed ? es256KeyFromSeed(e.seed, e.kid) : e.privateKey ? createPrivateKey(e.privateKey) : undefined;
      const pub = priv ? createPublicKey(priv) : createPublicKey(e.publicKey!);
      keys.set(e.kid, { kid: e.kid, algorithms: [...LOCAL_ALGORITHMS], key: pub, revoked: e.status === 'revoked' });
      if (e.status === 'current' && priv) current = { kid: e.kid, alg: 'ES256', privateKey: priv };
    }
    // Unreachable with a config that passed the schema; a hand-built one still cannot sign with nothing.
    if (!current) throw new ConfigError('JWT_SIGNING_KEYS: exactly one key must have status current');
    return new SigningKeyRing(current, keys);
  }

  find(kid: string): VerificationKey | undefined {
    return this.keys.get(kid);
  }

  /** RFC 7517 key set of every key that still verifies (current and previous; never revoked). */
  jwks(): { keys: JsonWebKey[] } {
    return {
      keys: [...this.keys.values()].filter((k) => !k.revoked).map((k) => ({ ...k.key.export({ format: 'jwk' }), kid: k.kid, alg: 'ES256', use: 'sig' })),
    };
  }
}
