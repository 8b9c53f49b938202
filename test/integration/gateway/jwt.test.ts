import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { createTenantKey, type RunningGateway } from '../../support/platform';
import { gateway, isProblem } from './support';

const now = () => Math.floor(Date.now() / 1000);

describe('gateway JWT: token exchange, JWKS, bearer verification', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let jwks: Server;
  let viewer: string;
  const idp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  before(async () => {
    // An external identity provider serving its JWKS over HTTP.
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...idp.publicKey.export({ format: 'jwk' }), kid: 'idp-1', alg: 'ES256', use: 'sig' }] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    gw = await gateway({
      JWT_EXTERNAL_ISSUERS: JSON.stringify([{ issuer: 'https://idp.test', jwksUrl, algorithms: ['ES256'], tenants: ['tenant-jwt'] }]),
    });
    viewer = await createTenantKey(gw, 'tenant-jwt', 'viewer');
  });
  after(async () => {
    await gw?.close();
    jwks?.close();
  });

  it('exchanges an API key for a short-lived ES256 token that verifies against the published JWKS', async () => {
    const res = await request(gw.url).post('/v1/auth/token').set('X-API-Key', viewer);
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.body).to.include({ token_type: 'Bearer', expires_in: 900 });
    const set = await request(gw.url).get('/.well-known/jwks.json');
    expect(set.status).to.equal(200);
    const { header, payload } = jwt.decode(res.body.access_token, { complete: true })!;
    const jwk = set.body.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(jwk).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk).to.not.have.property('d');
    const verified = jwt.verify(res.body.access_token, createPublicKey({ key: jwk, format: 'jwk' }), {
      algorithms: ['ES256'],
    }) as jwt.JwtPayload;
    expect(verified.exp! - verified.iat!).to.equal(900);
    expect(payload).to.include({ iss: 'stateset', aud: 'stateset-api', tenant: 'tenant-jwt' });
  });

  it('a token holds no more than the key, can be narrowed, and cannot mint further tokens', async () => {
    const wide = await request(gw.url)
      .post('/v1/auth/token')
      .set('X-API-Key', viewer)
      .send({ permissions: ['orders:read', 'orders:write'] });
    expect(wide.status).to.equal(403);
    const narrow = await request(gw.url)
      .post('/v1/auth/token')
      .set('X-API-Key', viewer)
      .send({ permissions: ['orders:read'], ttlSeconds: 60 });
    expect(narrow.status).to.equal(200);
    expect(narrow.body.expires_in).to.equal(60);
    const bearer = `Bearer ${narrow.body.access_token}`;
    expect((await request(gw.url).get('/v1/orders').set('Authorization', bearer)).status).to.equal(200);
    expect((await request(gw.url).get('/v1/inventory/items').set('Authorization', bearer)).status).to.equal(403);
    expect((await request(gw.url).post('/v1/orders').set('Authorization', bearer).send({})).status).to.equal(403);
    expect((await request(gw.url).post('/v1/auth/token').set('Authorization', bearer)).status).to.equal(403);
  });

  it('a token dies with the API key it came from', async () => {
    const admin = await createTenantKey(gw, 'tenant-jwt', 'admin');
    const made = await request(gw.url).post('/v1/api-keys').set('X-API-Key', admin).send({ name: 'short-lived', role: 'viewer' });
    const tok = await request(gw.url).post('/v1/auth/token').set('X-API-Key', made.body.secret);
    const bearer = `Bearer ${tok.body.access_token}`;
    expect((await request(gw.url).get('/v1/orders').set('Authorization', bearer)).status).to.equal(200);
    await request(gw.url).delete(`/v1/api-keys/${made.body.id}`).set('X-API-Key', admin);
    expect((await request(gw.url).get('/v1/orders').set('Authorization', bearer)).status).to.equal(401);
  });

  it('accepts tokens of a configured external issuer, keys fetched from its JWKS URL', async () => {
    const token = jwt.sign({ tenant: 'tenant-jwt', role: 'viewer', aud: 'stateset-api', exp: now() + 60 }, idp.privateKey, {
      algorithm: 'ES256',
      keyid: 'idp-1',
      issuer: 'https://idp.test',
      subject: 'alice',
    });
    const res = await request(gw.url).get('/v1/orders').set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(200);
    const forbidden = await request(gw.url).post('/v1/orders').set('Authorization', `Bearer ${token}`).send({});
    expect(forbidden.status).to.equal(403);
  });

  it('every failure is one identical 401 problem, counted with its reason', async () => {
    const ours = (await request(gw.url).post('/v1/auth/token').set('X-API-Key', viewer)).body.access_token as string;
    const kid = jwt.decode(ours, { complete: true })!.header.kid!;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const claims = { tenant: 'tenant-jwt', permissions: ['orders:read'], sub: 's' };
    const external = (p: object, o: jwt.SignOptions = {}) =>
      jwt.sign({ tenant: 't', aud: 'stateset-api', exp: now() + 60, ...p }, idp.privateKey, {
        algorithm: 'ES256',
        keyid: 'idp-1',
        issuer: 'https://idp.test',
        subject: 'a',
        ...o,
      });
    const cases: [string, Record<string, string>][] = [
      ['missing', {}],
      ['malformed', { Authorization: 'Bearer not.a.jwt' }],
      ['malformed', { 'X-API-Key': 'sk_live_nope' }],
      ['unknown_key', { 'X-API-Key': `sk_live_0123456789abcdef_${'A'.repeat(43)}` }],
      ['unknown_key', { Authorization: `Bearer ${external({}, { keyid: 'idp-unknown' })}` }],
      ['expired', { Authorization: `Bearer ${external({ exp: now() - 120 })}` }],
      ['not_yet_valid', { Authorization: `Bearer ${external({ nbf: now() + 120 })}` }],
      [
        'bad_signature',
        {
          Authorization: `Bearer ${jwt.sign(claims, stranger, { algorithm: 'ES256', keyid: kid, issuer: 'stateset', audience: 'stateset-api', expiresIn: 60 })}`,
        },
      ],
      [
        'alg_not_allowed',
        {
          Authorization: `Bearer ${jwt.sign(claims, 'secret', { algorithm: 'HS256', keyid: kid, issuer: 'stateset', audience: 'stateset-api', expiresIn: 60 })}`,
        },
      ],
      ['wrong_audience', { Authorization: `Bearer ${external({ aud: 'other' })}` }],
      ['wrong_issuer', { Authorization: `Bearer ${external({}, { issuer: 'https://evil.test' })}` }],
    ];
    const bodies = new Set<string>();
    for (const [reason, headers] of cases) {
      const before = await gw.deps.metrics.authFailures.get();
      const sum = (m: typeof before) => m.values.filter((v) => v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
      const res = await request(gw.url).get('/v1/orders').set(headers);
      expect(res.status, reason).to.equal(401);
      expect(isProblem(res as never), reason).to.equal(true);
      expect(res.headers['www-authenticate']).to.match(/Bearer/);
      bodies.add(JSON.stringify({ ...res.body, instance: undefined, requestId: undefined }));
      expect(sum(await gw.deps.metrics.authFailures.get()) - sum(before), reason).to.equal(1);
    }
    expect(bodies.size, [...bodies].join('\n')).to.equal(1);
  });
});
