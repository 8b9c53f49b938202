import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * The environment variables that hold JSON, parsed and checked with the rest of the configuration
 * so that a bad value stops the process at start with the variable and the field named, instead
 * of failing later in whichever constructor reads it first.
 */
export function jsonEnv<T extends z.ZodType>(schema: T, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // The value itself is never echoed: JWT_SIGNING_KEYS holds private keys and seeds.
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
const asymmetric = z.enum(ASYMMETRIC_ALGORITHMS);

const externalIssuer = z
  .strictObject({
    issuer: z.string().min(1),
    audience: z.string().min(1).optional(),
    jwksUrl: z.string().url().optional(),
    keys: z.array(z.strictObject({ kid: z.string().min(1), pem: z.string().min(1), alg: asymmetric })).optional(),
    /** Accepted algorithms for this issuer; symmetric and `none` are never accepted. */
    algorithms: z.array(asymmetric).min(1).default(['RS256', 'ES256']),
    /** The tenants this issuer may name: a token naming any other is refused (401, reason tenant_not_allowed). */
    tenants: z.array(z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/)).min(1),
    /** The highest role its tokens may assert, by role or by permissions: more is refused (401, role_not_allowed). */
    maxRole: z.enum(['admin', 'manager', 'operator', 'viewer']).default('viewer'),
    tenantClaim: z.string().default('tenant'),
    permissionsClaim: z.string().default('permissions'),
    roleClaim: z.string().default('role'),
  })
  .refine((i) => i.jwksUrl || (i.keys && i.keys.length > 0), { message: 'an external issuer needs jwksUrl or keys' });

/** JWT_EXTERNAL_ISSUERS: identity providers whose tokens the gateway accepts (each issuer once). */
export const externalIssuers = z.array(externalIssuer).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((i, index) => {
    if (seen.has(i.issuer)) ctx.addIssue({ code: 'custom', path: [index, 'issuer'], message: `duplicate issuer ${i.issuer}` });
    seen.add(i.issuer);
  });
});
export type ExternalIssuer = z.infer<typeof externalIssuer>;

const signingKey = z
  .strictObject({
    kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    status: z.enum(['current', 'previous', 'revoked']).default('previous'),
    alg: z.literal('ES256').default('ES256'),
    privateKey: z.string().optional(),
    publicKey: z.string().optional(),
    seed: z.string().min(32).optional(),
  })
  .refine((e) => e.privateKey || e.publicKey || e.seed, { message: 'a key needs privateKey, publicKey or seed' });
export type SigningKeyEntry = z.infer<typeof signingKey>;

/** The public half of a PEM key, or null when it is not a P-256 (ES256) key. Seeds always give P-256 keys. */
function p256PublicKey(pem: string, kind: 'private' | 'public'): KeyObject | null {
  try {
    const key = kind === 'private' ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : null;
  } catch {
    return null;
  }
}

/**
 * JWT_SIGNING_KEYS: the gateway's own keys; empty = one key derived from JWT_SIGNING_SEED. A
 * non-empty list has unique kids, P-256 keys and exactly one `current` key that can sign.
 */
export const signingKeys = z.array(signingKey).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((e, index) => {
    if (seen.has(e.kid)) ctx.addIssue({ code: 'custom', path: [index, 'kid'], message: `duplicate kid ${e.kid}` });
    seen.add(e.kid);
    if (!e.seed && e.privateKey && !p256PublicKey(e.privateKey, 'private')) {
      ctx.addIssue({ code: 'custom', path: [index, 'privateKey'], message: `key ${e.kid} is not a P-256 (ES256) private key` });
    } else if (!e.seed && !e.privateKey && e.publicKey && !p256PublicKey(e.publicKey, 'public')) {
      ctx.addIssue({ code: 'custom', path: [index, 'publicKey'], message: `key ${e.kid} is not a P-256 (ES256) public key` });
    }
    if (e.status === 'current' && !e.seed && !e.privateKey) {
      ctx.addIssue({ code: 'custom', path: [index], message: `the current key ${e.kid} needs privateKey or seed` });
    }
  });
  const current = list.filter((e) => e.status === 'current').length;
  if (list.length > 0 && current !== 1) {
    ctx.addIssue({ code: 'custom', message: `exactly one key must have status current (${current} have)` });
  }
});

const limit = z.number().int().min(1).optional();
/**
 * RATE_LIMIT_TENANT_OVERRIDES: per tenant, limits per route class that replace the defaults — per
 * principal (`read`, `write`, `auth`) and for the whole tenant (`tenant: { read, write, auth }`).
 */
export const tenantOverrides = z.record(
  z.string().min(1),
  z.strictObject({
    read: limit,
    write: limit,
    auth: limit,
    tenant: z.strictObject({ read: limit, write: limit, auth: limit }).optional(),
  }),
);
export type TenantOverrides = z.infer<typeof tenantOverrides>;
