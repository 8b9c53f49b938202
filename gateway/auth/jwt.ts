import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { z } from 'zod';
import { AuthenticationError, type AuthFailureReason } from '../../shared/errors';
import type { ExternalIssuer, SigningKeyEntry } from '../../shared/config';
import type { Logger } from '../../shared/logger';
import type { Permission } from '../../schemas/catalog';
import { ROLE_PERMISSIONS, isPermission, isRole } from './permissions';
import { earliest, type Principal } from './principal';
import type { KeyStatus } from './api-key-store';
import type { TokenVerifier } from './authenticate';
import { SigningKeyRing, type VerificationKey } from './jwt-keys';

/** Claims of the tokens this gateway issues. */
const localClaims = z.object({
  sub: z.string().min(1).max(200),
  tenant: z.string().min(1).max(128),
  permissions: z.array(z.string()).max(64),
  /**
   * keyId of the API key the token was exchanged for: required (every local token comes from a key),
   * and the key must still be active and of the token's tenant: its revocation revokes the token.
   */
  key: z.string().min(1).max(200),
});

export interface JwtConfig {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_TTL_S: number;
  JWT_CLOCK_SKEW_S: number;
  JWT_SIGNING_KEYS: readonly SigningKeyEntry[];
  JWT_SIGNING_SEED: string;
  JWT_EXTERNAL_ISSUERS: readonly ExternalIssuer[];
  JWT_JWKS_CACHE_S: number;
}

/** Answers whether the API key behind a token is still usable (revoked / expired keys revoke their tokens). */
export type KeyStatusCheck = (keyId: string) => Promise<KeyStatus>;

interface JwksCache {
  keys: Map<string, VerificationKey>;
  fetchedAt: number;
  fetching?: Promise<void>;
}

function keyFromJwk(jwk: JsonWebKey & { kid?: string; alg?: string; use?: string }, allowed: readonly Algorithm[]): VerificationKey | null {
  if (!jwk.kid || (jwk.use && jwk.use !== 'sig')) return null;
  let key;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
  const byType: Algorithm[] =
    key.asymmetricKeyType === 'rsa'
      ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
      : key.asymmetricKeyType === 'ec'
        ? (({ prime256v1: ['ES256'], secp384r1: ['ES384'], secp521r1: ['ES512'] } as Record<string, Algorithm[]>)[key.asymmetricKeyDetails?.namedCurve ?? ''] ??
          [])
        : [];
  const algorithms = byType.filter((a) => allowed.includes(a) && (!jwk.alg || jwk.alg === a));
  if (algorithms.length === 0) return null;
  return { kid: jwk.kid, algorithms, key, revoked: false };
}

function reasonOf(err: unknown): AuthFailureReason {
  if (err instanceof jwt.TokenExpiredError) return 'expired';
  if (err instanceof jwt.NotBeforeError) return 'not_yet_valid';
  const msg = err instanceof Error ? err.message : '';
  if (msg === 'invalid signature') return 'bad_signature';
  if (msg.startsWith('jwt audience invalid')) return 'wrong_audience';
  if (msg.startsWith('jwt issuer invalid')) return 'wrong_issuer';
  if (msg === 'invalid algorithm' || msg.includes('"alg" parameter')) return 'alg_not_allowed';
  return 'malformed';
}

/**
 * Issues the gateway's short-lived tokens and verifies bearer tokens (its own and those of
 * configured external issuers). The algorithm always comes from the key, never from the token;
 * `exp` is required; `nbf`, `iss`, `aud` are checked with JWT_CLOCK_SKEW_S of tolerance.
 */
export class JwtService implements TokenVerifier {
  readonly ring: SigningKeyRing;
  private readonly external: Map<string, ExternalIssuer>;
  private readonly jwks = new Map<string, JwksCache>();

  constructor(
    private readonly config: JwtConfig,
    private readonly keyStatus: KeyStatusCheck | undefined,
    private readonly logger?: Logger,
  ) {
    this.ring = SigningKeyRing.fromConfig(config);
    this.external = new Map(config.JWT_EXTERNAL_ISSUERS.map((i) => [i.issuer, i]));
  }

  /** A token holding `permissions` for `sub` of `tenant`, valid for at most JWT_TTL_S. */
  issue(input: { sub: string; tenant: string; permissions: readonly Permission[]; keyId: string; ttlS?: number }): {
    token: string;
    expiresIn: number;
  } {
    const expiresIn = Math.min(input.ttlS ?? this.config.JWT_TTL_S, this.config.JWT_TTL_S);
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ tenant: input.tenant, permissions: [...input.permissions], key: input.keyId, nbf: now }, this.ring.current.privateKey, {
      algorithm: this.ring.current.alg,
      keyid: this.ring.current.kid,
      subject: input.sub,
      issuer: this.config.JWT_ISSUER,
      audience: this.config.JWT_AUDIENCE,
      expiresIn,
      jwtid: randomUUID(),
    });
    return { token, expiresIn };
  }

  async verify(token: string): Promise<Principal> {
    const fail = (reason: AuthFailureReason, hint?: string): never => {
      throw new AuthenticationError(reason, 'jwt', hint);
    };
    if (token.length > 8192) fail('malformed');
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object' || !decoded.header) return fail('malformed');
    const { header } = decoded;
    const payload = decoded.payload as JwtPayload;
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 200) return fail('malformed');
    const iss = typeof payload.iss === 'string' ? payload.iss : undefined;
    const local = iss === this.config.JWT_ISSUER;
    const ext = iss !== undefined && !local ? this.external.get(iss) : undefined;
    if (!local && !ext) return fail('wrong_issuer', header.kid);

    const key = local ? this.ring.find(header.kid) : await this.externalKey(ext!, header.kid);
    if (!key) return fail('unknown_key', header.kid);
    if (key.revoked) return fail('revoked', header.kid);
    if (!key.algorithms.includes(header.alg as Algorithm)) return fail('alg_not_allowed', header.kid);

    let claims: JwtPayload;
    try {
      claims = jwt.verify(token, key.key, {
        algorithms: key.algorithms,
        issuer: local ? this.config.JWT_ISSUER : ext!.issuer,
        audience: local ? this.config.JWT_AUDIENCE : (ext!.audience ?? this.config.JWT_AUDIENCE),
        clockTolerance: this.config.JWT_CLOCK_SKEW_S,
        complete: false,
      }) as JwtPayload;
    } catch (err) {
      return fail(reasonOf(err), header.kid);
    }
    if (typeof claims.exp !== 'number') return fail('malformed', header.kid);
    return local ? this.localPrincipal(claims, header.kid) : this.externalPrincipal(claims, ext!, header.kid);
  }

  private async localPrincipal(claims: JwtPayload, kid: string): Promise<Principal> {
    const c = localClaims.safeParse(claims);
    if (!c.success) throw new AuthenticationError('malformed', 'jwt', kid);
    if (!this.keyStatus) throw new AuthenticationError('revoked', 'jwt', kid);
    const k = await this.keyStatus(c.data.key);
    if (k.status !== 'active') throw new AuthenticationError(k.status, 'jwt', kid);
    // A token signed for another tenant than its key's is forged or a signing-key leak: refuse it.
    if (k.tenantId !== c.data.tenant) throw new AuthenticationError('revoked', 'jwt', kid);
    // Never more than the key holds now.
    const permissions = c.data.permissions.filter(isPermission).filter((p) => k.permissions.includes(p));
    return {
      tenantId: c.data.tenant,
      id: `jwt:${c.data.sub}`,
      scheme: 'jwt',
      permissions: new Set(permissions),
      keyId: c.data.key,
      expiresAt: earliest(new Date(claims.exp! * 1000), k.endsAt),
    };
  }

  private externalPrincipal(claims: JwtPayload, ext: ExternalIssuer, kid: string): Principal {
    const tenant = claims[ext.tenantClaim];
    const sub = claims.sub;
    if (typeof tenant !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(tenant) || typeof sub !== 'string' || sub.length === 0) {
      throw new AuthenticationError('malformed', 'jwt', kid);
    }
    // Whoever controls an issuer must not be able to act in a tenant, or with rights, it was not given.
    if (!ext.tenants.includes(tenant)) throw new AuthenticationError('tenant_not_allowed', 'jwt', kid);
    const rawPerms = claims[ext.permissionsClaim];
    const role = claims[ext.roleClaim];
    let permissions: Permission[] = [];
    if (Array.isArray(rawPerms)) permissions = rawPerms.filter((p): p is Permission => typeof p === 'string' && isPermission(p));
    else if (typeof rawPerms === 'string') permissions = rawPerms.split(/\s+/).filter(isPermission);
    else if (typeof role === 'string' && isRole(role)) permissions = [...ROLE_PERMISSIONS[role]];
    const ceiling: readonly Permission[] = ROLE_PERMISSIONS[ext.maxRole];
    if (permissions.some((p) => !ceiling.includes(p))) throw new AuthenticationError('role_not_allowed', 'jwt', kid);
    return {
      tenantId: tenant,
      id: `jwt:${ext.issuer}:${sub}`,
      scheme: 'jwt',
      permissions: new Set(permissions),
      expiresAt: new Date(claims.exp! * 1000),
    };
  }

  /** Keys of an external issuer: static PEMs, or its JWKS fetched and cached (refetched on an unknown kid at most every 30 s). */
  private async externalKey(ext: ExternalIssuer, kid: string): Promise<VerificationKey | undefined> {
    const fixed = ext.keys?.find((k) => k.kid === kid);
    if (fixed) {
      const key = createPublicKey(fixed.pem);
      return { kid, algorithms: [fixed.alg].filter((a) => ext.algorithms.includes(a)), key, revoked: false };
    }
    if (!ext.jwksUrl) return undefined;
    let cache = this.jwks.get(ext.issuer);
    const age = cache ? Date.now() - cache.fetchedAt : Infinity;
    if (!cache || age > this.config.JWT_JWKS_CACHE_S * 1000 || (!cache.keys.has(kid) && age > 30_000)) {
      await this.fetchJwks(ext);
      cache = this.jwks.get(ext.issuer);
    }
    return cache?.keys.get(kid);
  }

  private async fetchJwks(ext: ExternalIssuer): Promise<void> {
    const existing = this.jwks.get(ext.issuer);
    if (existing?.fetching) return existing.fetching;
    const entry: JwksCache = existing ?? { keys: new Map(), fetchedAt: 0 };
    this.jwks.set(ext.issuer, entry);
    entry.fetching = (async () => {
      try {
        const res = await fetch(ext.jwksUrl!, { signal: AbortSignal.timeout(3000), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { keys?: unknown };
        const keys = new Map<string, VerificationKey>();
        for (const jwk of Array.isArray(body.keys) ? body.keys : []) {
          const k = keyFromJwk(jwk as JsonWebKey, ext.algorithms);
          if (k) keys.set(k.kid, k);
        }
        entry.keys = keys;
      } catch (err) {
        // Keep the previous keys; a stale key set is better than refusing every token.
        this.logger?.warn({ issuer: ext.issuer, err }, 'JWKS fetch failed');
      } finally {
        entry.fetchedAt = Date.now();
        entry.fetching = undefined;
      }
    })();
    return entry.fetching;
  }
}
