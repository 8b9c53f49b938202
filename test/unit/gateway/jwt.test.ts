import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../../shared/config';
import { AuthenticationError, ConfigError } from '../../../shared/errors';
import { JwtService, type KeyStatusCheck } from '../../../gateway/auth/jwt';
import { SigningKeyRing, es256KeyFromSeed } from '../../../gateway/auth/jwt-keys';

/** Unit tests run on the development secrets, which need NODE_ENV to say so. */
const DEV = { NODE_ENV: 'test' };

const SEED_A = 'a'.repeat(40);
const SEED_B = 'b'.repeat(40);
/** Keys 'abc' (tenant t1) and 'k' (tenant t) are active. */
const active: KeyStatusCheck = async (keyId) => ({
  status: 'active',
  permissions: ['orders:read', 'orders:write'],
  tenantId: keyId === 'abc' ? 't1' : 't',
  endsAt: null,
});

function service(overrides: Record<string, string> = {}, keyStatus: KeyStatusCheck = active) {
  return new JwtService(loadConfig(DEV, overrides), keyStatus);
}

async function reason(svc: JwtService, token: string): Promise<string> {
  try {
    await svc.verify(token);
  } catch (err) {
    expect(err).to.be.instanceOf(AuthenticationError);
    // The client-facing message never tells the reason apart.
    expect((err as Error).message).to.equal('authentication failed');
    return (err as AuthenticationError).reason;
  }
  return 'accepted';
}

const now = () => Math.floor(Date.now() / 1000);

describe('JWT: signing key ring', () => {
  it('derives the same ES256 key from the same seed on every instance, a different one per kid', () => {
    const a1 = es256KeyFromSeed(SEED_A, 'k1').export({ format: 'jwk' });
    const a2 = es256KeyFromSeed(SEED_A, 'k1').export({ format: 'jwk' });
    const b = es256KeyFromSeed(SEED_A, 'k2').export({ format: 'jwk' });
    expect(a1).to.deep.equal(a2);
    expect(a1.d).to.not.equal(b.d);
  });
  it('publishes only public parts of current and previous keys, never revoked ones', () => {
    const ring = SigningKeyRing.fromConfig(
      loadConfig(DEV, {
        JWT_SIGNING_SEED: SEED_A,
        JWT_SIGNING_KEYS: JSON.stringify([
          { kid: 'new', status: 'current', seed: SEED_B },
          { kid: 'old', status: 'previous', seed: SEED_A },
          { kid: 'bad', status: 'revoked', seed: 'c'.repeat(40) },
        ]),
      }),
    );
    const { keys } = ring.jwks();
    expect(keys.map((k) => (k as { kid: string }).kid)).to.deep.equal(['new', 'old']);
    for (const k of keys) {
      expect(k).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k).to.not.have.property('d');
    }
  });
  it('refuses configurations without exactly one current key, or with non-P-256 keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const bad = [
      [{ kid: 'x', status: 'previous', seed: SEED_A }],
      [
        { kid: 'x', status: 'current', seed: SEED_A },
        { kid: 'y', status: 'current', seed: SEED_B },
      ],
      [{ kid: 'x', status: 'current', privateKey: rsa }],
    ];
    for (const keys of bad) expect(() => loadConfig(DEV, { JWT_SIGNING_SEED: SEED_A, JWT_SIGNING_KEYS: JSON.stringify(keys) })).to.throw(ConfigError);
    expect(() => loadConfig(DEV, { JWT_SIGNING_SEED: SEED_A, JWT_SIGNING_KEYS: 'nope' })).to.throw(ConfigError);
  });
});

describe('JWT: issuing and verifying', () => {
  const svc = service({ JWT_SIGNING_SEED: SEED_A });
  const kid = svc.ring.current.kid;
  const priv = svc.ring.current.privateKey;
  const base = () => ({
    sub: 'api-key:abc',
    tenant: 't1',
    key: 'abc',
    permissions: ['orders:read'],
    iss: 'stateset',
    aud: 'stateset-api',
    exp: now() + 60,
    nbf: now(),
  });
  const sign = (payload: object, opts: jwt.SignOptions = {}, key: jwt.Secret | KeyObject | null = priv) =>
    (jwt.sign as (p: object, k: unknown, o: jwt.SignOptions) => string)(payload, key, { algorithm: 'ES256', keyid: kid, ...opts });

  it('issues ES256 tokens with kid, iss, aud, exp, nbf and verifies them into a principal', async () => {
    const { token, expiresIn } = svc.issue({ sub: 'api-key:abc', tenant: 't1', permissions: ['orders:read'], keyId: 'abc' });
    expect(expiresIn).to.equal(900);
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header).to.include({ alg: 'ES256', kid });
    expect(decoded.payload).to.include({ iss: 'stateset', aud: 'stateset-api', sub: 'api-key:abc', tenant: 't1', key: 'abc' });
    const p = await svc.verify(token);
    expect(p).to.include({ tenantId: 't1', id: 'jwt:api-key:abc', scheme: 'jwt', keyId: 'abc' });
    expect([...p.permissions]).to.deep.equal(['orders:read']);
  });

  it('caps the requested lifetime at JWT_TTL_S', () => {
    expect(svc.issue({ sub: 's', tenant: 't', permissions: [], keyId: 'k', ttlS: 99999 }).expiresIn).to.equal(900);
    expect(svc.issue({ sub: 's', tenant: 't', permissions: [], keyId: 'k', ttlS: 60 }).expiresIn).to.equal(60);
  });

  it('tolerates 30 s of clock skew on exp and nbf, not more', async () => {
    expect(await reason(svc, sign({ ...base(), exp: now() - 20 }))).to.equal('accepted');
    expect(await reason(svc, sign({ ...base(), nbf: now() + 20 }))).to.equal('accepted');
    expect(await reason(svc, sign({ ...base(), exp: now() - 40 }))).to.equal('expired');
    expect(await reason(svc, sign({ ...base(), nbf: now() + 40 }))).to.equal('not_yet_valid');
  });

  it('names every failure reason (for metrics and audit) while the error stays the same', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const pubPem = svc.ring.find(kid)!.key.export({ format: 'pem', type: 'spki' }).toString();
    const { exp: _exp, ...noExp } = base();
    const cases: [string, string][] = [
      ['not a token', 'malformed'],
      [sign(noExp), 'malformed'],
      [jwt.sign(base(), priv, { algorithm: 'ES256' }), 'malformed'],
      [sign(base(), { keyid: 'nope' }), 'unknown_key'],
      [sign({ ...base(), exp: now() - 3600 }), 'expired'],
      [sign({ ...base(), nbf: now() + 3600 }), 'not_yet_valid'],
      [sign(base(), {}, other), 'bad_signature'],
      [sign(base(), { algorithm: 'HS256' }, pubPem), 'alg_not_allowed'],
      [sign(base(), { algorithm: 'none' }, null), 'alg_not_allowed'],
      [sign({ ...base(), aud: 'someone-else' }), 'wrong_audience'],
      [sign({ ...base(), iss: 'https://evil.example' }), 'wrong_issuer'],
      [sign({ ...base(), iss: undefined }), 'wrong_issuer'],
      [sign({ ...base(), tenant: undefined }), 'malformed'],
      // A local token must name the key it was exchanged for, and that key must be of its tenant.
      [sign({ ...base(), key: undefined }), 'malformed'],
      [sign({ ...base(), tenant: 'victim' }), 'revoked'],
    ];
    for (const [token, expected] of cases) expect(await reason(svc, token), expected).to.equal(expected);
  });

  it('revokes a token with its signing key (status revoked) and keeps previous keys verifying after rotation', async () => {
    const before = service({
      JWT_SIGNING_SEED: SEED_A,
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'k1', status: 'current', seed: SEED_A }]),
    });
    const t1 = before.issue({ sub: 's', tenant: 't', permissions: ['orders:read'], keyId: 'k' }).token;
    const rotated = service({
      JWT_SIGNING_KEYS: JSON.stringify([
        { kid: 'k2', status: 'current', seed: SEED_B },
        { kid: 'k1', status: 'previous', seed: SEED_A },
      ]),
    });
    expect(await reason(rotated, t1)).to.equal('accepted');
    const t2 = rotated.issue({ sub: 's', tenant: 't', permissions: ['orders:read'], keyId: 'k' }).token;
    expect(jwt.decode(t2, { complete: true })!.header.kid).to.equal('k2');
    expect(await reason(before, t2)).to.equal('unknown_key');
    const retired = service({
      JWT_SIGNING_KEYS: JSON.stringify([
        { kid: 'k2', status: 'current', seed: SEED_B },
        { kid: 'k1', status: 'revoked', seed: SEED_A },
      ]),
    });
    expect(await reason(retired, t1)).to.equal('revoked');
  });

  it("follows the API key it was exchanged for: revoked or expired key → refused; rights never above the key's", async () => {
    let state: Awaited<ReturnType<KeyStatusCheck>> = { status: 'active', permissions: ['orders:read'], tenantId: 't', endsAt: null };
    const s = service({ JWT_SIGNING_SEED: SEED_A }, async () => state);
    const { token } = s.issue({ sub: 'api-key:k', tenant: 't', permissions: ['orders:read', 'orders:write'], keyId: 'k' });
    expect([...(await s.verify(token)).permissions]).to.deep.equal(['orders:read']);
    state = { status: 'revoked', permissions: [], tenantId: 't', endsAt: null };
    expect(await reason(s, token)).to.equal('revoked');
    state = { status: 'expired', permissions: [], tenantId: 't', endsAt: null };
    expect(await reason(s, token)).to.equal('expired');
  });

  it('accepts external issuers from config (static PEM), with their own algorithm allow-list and claims', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const s = service({
      JWT_SIGNING_SEED: SEED_A,
      JWT_EXTERNAL_ISSUERS: JSON.stringify([
        {
          issuer: 'https://idp.example',
          audience: 'stateset',
          keys: [{ kid: 'idp1', pem, alg: 'RS256' }],
          tenantClaim: 'org',
          tenants: ['acme'],
          maxRole: 'operator',
        },
      ]),
    });
    const ext = (payload: object, opts: jwt.SignOptions = {}) =>
      jwt.sign({ iss: 'https://idp.example', aud: 'stateset', sub: 'alice', org: 'acme', role: 'viewer', exp: now() + 60, ...payload }, privateKey, {
        algorithm: 'RS256',
        keyid: 'idp1',
        ...opts,
      });
    const p = await s.verify(ext({}));
    expect(p).to.include({ tenantId: 'acme', id: 'jwt:https://idp.example:alice', scheme: 'jwt' });
    expect(p.permissions.has('orders:read')).to.equal(true);
    expect(p.permissions.has('orders:write')).to.equal(false);
    expect([...(await s.verify(ext({ permissions: 'orders:write bogus:perm' }))).permissions]).to.deep.equal(['orders:write']);
    expect(await reason(s, ext({}, { algorithm: 'RS512' }))).to.equal('alg_not_allowed');
    expect(await reason(s, ext({ aud: 'stateset-api' }))).to.equal('wrong_audience');
    expect(await reason(s, ext({ org: undefined }))).to.equal('malformed');
    // Attack: the issuer's owner signs for a tenant, or a role, the entry does not give it.
    expect(await reason(s, ext({ org: 'victim', role: 'admin' }))).to.equal('tenant_not_allowed');
    expect(await reason(s, ext({ role: 'admin' }))).to.equal('role_not_allowed');
    expect(await reason(s, ext({ permissions: ['orders:read', 'api-keys:manage'] }))).to.equal('role_not_allowed');
    expect(() => service({ JWT_EXTERNAL_ISSUERS: JSON.stringify([{ issuer: 'x' }]) })).to.throw(ConfigError);
  });
});
