import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, waitFor, type RunningGateway } from '../../support/platform';
import { call, gateway, isProblem, waitRedisReady } from './support';

/** Attacks on authentication, each as a new client would try it against a running gateway. */
describe('security: authentication abuse', function () {
  this.timeout(120_000);

  const badKey = () => `sk_live_${randomBytes(8).toString('hex')}_${'B'.repeat(43)}`;

  /** Audit records the gateway wrote (to its outbox) for one client address, by action. */
  async function auditActions(gw: RunningGateway, sourceIp: string): Promise<{ action: string; details: string | null }[]> {
    const rows = await gw.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ action: string; details: string | null }[]>(
        `select payload->>'action' as action, payload->>'details' as details from outbox where payload->>'sourceIp' = ? order by id`,
        [sourceIp],
      );
    return rows;
  }

  const lookups = async (gw: RunningGateway, source: string) =>
    (await gw.deps.metrics.apiKeyLookups.get()).values.filter((v) => v.labels.source === source).reduce((n, v) => n + v.value, 0);

  describe('a flood of bad keys from one address', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ RATE_LIMIT_IP_FAILURES_PER_MIN: '10', TRUST_PROXY: 'loopback' });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('1,000 bad keys → the budget is spent, then 429 before any key lookup; ≤ budget + 1 audit records (one summary)', async () => {
      const source = '192.0.2.77';
      const headers = (key: string) => ({ 'X-API-Key': key, 'X-Forwarded-For': source });
      const before = await lookups(gw, 'database');
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await call(`${gw.url}/v1/orders`, { headers: headers(badKey()) })).status);
      expect(statuses).to.deep.equal(Array<number>(10).fill(401));
      for (let wave = 0; wave < 18; wave++) {
        const res = await Promise.all(Array.from({ length: 55 }, () => call(`${gw.url}/v1/orders`, { headers: headers(badKey()) })));
        for (const r of res) {
          expect(r.status).to.equal(429);
          expect(isProblem(r as never)).to.equal(true);
          expect(Number(r.headers['retry-after'])).to.be.within(1, 60);
        }
      }
      expect((await lookups(gw, 'database')) - before, 'key lookups in PostgreSQL').to.equal(10);

      await gw.services.stop?.(); // closes the address's window: its summary is written
      const actions = await auditActions(gw, source);
      expect(actions.filter((a) => a.action === 'auth.failed')).to.have.length(10);
      const summaries = actions.filter((a) => a.action === 'auth.refused_over_budget');
      expect(summaries).to.have.length(1);
      expect(actions.length).to.be.at.most(11);
      const details = JSON.parse(summaries[0]!.details!) as {
        count: number;
        reasons: Record<string, number>;
        firstAt: string;
        lastAt: string;
      };
      expect(details.count).to.equal(990);
      expect(details.reasons).to.deep.equal({ not_checked: 990 });
      expect(Date.parse(details.lastAt)).to.be.at.least(Date.parse(details.firstAt));
    });

    it('a correct key from that address is refused too (429), and another address is unaffected', async () => {
      const good = await createTenantKey(gw, 'tenant-flood', 'viewer');
      expect((await call(`${gw.url}/v1/orders`, { headers: { 'X-API-Key': good, 'X-Forwarded-For': '192.0.2.77' } })).status).to.equal(429);
      expect((await call(`${gw.url}/v1/orders`, { headers: { 'X-API-Key': good, 'X-Forwarded-For': '192.0.2.78' } })).status).to.equal(200);
    });
  });

  describe('bearer tokens', () => {
    let gw: RunningGateway;
    let token: string;
    before(async () => {
      gw = await gateway();
      const key = await createTenantKey(gw, 'tenant-bearer', 'viewer');
      const res = await call(`${gw.url}/v1/auth/token`, { method: 'POST', headers: { 'X-API-Key': key }, body: {} });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      token = (res.body as { access_token: string }).access_token;
    });
    after(async () => gw?.close());

    it('are accepted from Authorization: Bearer only — never from ?access_token= (with any other Authorization)', async () => {
      const path = '/v1/orders/00000000-0000-4000-8000-000000000000';
      expect((await call(`${gw.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).status).to.equal(404);
      for (const authorization of ['Basic x', 'Bearer', 'bearer', 'Token abc']) {
        const res = await call(`${gw.url}${path}?access_token=${token}`, { headers: { Authorization: authorization } });
        expect(res.status, authorization).to.equal(401);
        expect(isProblem(res as never)).to.equal(true);
      }
      // A valid header does not make a second copy in the query string acceptable either.
      expect((await call(`${gw.url}${path}?access_token=${token}`, { headers: { Authorization: `Bearer ${token}` } })).status).to.equal(401);
    });
  });

  describe('credentials that would outlive themselves', () => {
    let gw: RunningGateway;
    let admin: string;
    before(async () => {
      gw = await gateway();
      admin = await createTenantKey(gw, 'tenant-outlive', 'admin');
    });
    after(async () => gw?.close());

    const createKey = (key: string, body: Record<string, unknown>, auth: 'key' | 'token' = 'key') =>
      call(`${gw.url}/v1/api-keys`, {
        method: 'POST',
        headers: auth === 'key' ? { 'X-API-Key': key } : { Authorization: `Bearer ${key}` },
        body,
      });

    it('a key that expires tomorrow cannot make a key that never expires, nor one that outlives it', async () => {
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      const shortLived = await createKey(admin, { name: 'short', role: 'admin', expiresAt: tomorrow.toISOString() });
      expect(shortLived.status).to.equal(201);
      const secret = (shortLived.body as { secret: string }).secret;
      const child = await createKey(secret, { name: 'child', role: 'viewer' });
      expect(child.status).to.equal(201);
      expect(Date.parse((child.body as { expiresAt: string }).expiresAt)).to.equal(Date.parse((shortLived.body as { expiresAt: string }).expiresAt));
      const later = await createKey(secret, {
        name: 'later',
        role: 'viewer',
        expiresAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
      });
      expect(later.status).to.equal(400);
      expect(isProblem(later as never)).to.equal(true);
    });

    it("a key made with a token ends when the token does (it cannot survive the revocation of the token's key)", async () => {
      const tok = await call(`${gw.url}/v1/auth/token`, { method: 'POST', headers: { 'X-API-Key': admin }, body: { ttlSeconds: 600 } });
      expect(tok.status).to.equal(200);
      const { access_token: token } = tok.body as { access_token: string };
      const child = await createKey(token, { name: 'from-token', role: 'viewer' }, 'token');
      expect(child.status).to.equal(201);
      const expiresAt = Date.parse((child.body as { expiresAt: string | null }).expiresAt ?? 'never');
      expect(expiresAt).to.be.within(Date.now() + 500_000, Date.now() + 601_000);
    });

    it("revoking or rotating a key needs at least that key's permissions", async () => {
      const manager = await createKey(admin, { name: 'keys-only', permissions: ['api-keys:manage'] });
      const victim = await createKey(admin, { name: 'victim', role: 'admin' });
      const managerSecret = (manager.body as { secret: string }).secret;
      const victimId = (victim.body as { id: string }).id;
      const revoke = await call(`${gw.url}/v1/api-keys/${victimId}`, { method: 'DELETE', headers: { 'X-API-Key': managerSecret } });
      expect(revoke.status).to.equal(403);
      const rotate = await call(`${gw.url}/v1/api-keys/${victimId}/rotate`, {
        method: 'POST',
        headers: { 'X-API-Key': managerSecret },
        body: {},
      });
      expect(rotate.status).to.equal(403);
      const still = await call(`${gw.url}/v1/orders`, { headers: { 'X-API-Key': (victim.body as { secret: string }).secret } });
      expect(still.status).to.equal(200);
      expect((await call(`${gw.url}/v1/api-keys/${victimId}`, { method: 'DELETE', headers: { 'X-API-Key': admin } })).status).to.equal(200);
    });
  });

  describe('API-key pepper rotation without downtime', () => {
    const oldPepper = 'o'.repeat(40);
    const newPepper = 'n'.repeat(40);

    it('keys made under the old pepper keep working during the overlap, are re-hashed on use, and then need no old pepper', async () => {
      const before = await gateway({ API_KEY_PEPPER: oldPepper });
      let key: string;
      try {
        key = await createTenantKey(before, 'tenant-pepper', 'viewer');
        expect((await call(`${before.url}/v1/orders`, { headers: { 'X-API-Key': key } })).status).to.equal(200);
      } finally {
        await before.close();
      }
      const onlyNew = await gateway({ API_KEY_PEPPER: newPepper, API_KEY_CACHE_TTL_MS: '0' });
      const overlap = await gateway({ API_KEY_PEPPER: newPepper, API_KEY_PEPPER_PREVIOUS: oldPepper, API_KEY_CACHE_TTL_MS: '0' });
      try {
        expect((await call(`${onlyNew.url}/v1/orders`, { headers: { 'X-API-Key': key } })).status, 'not re-hashed yet').to.equal(401);
        expect((await call(`${overlap.url}/v1/orders`, { headers: { 'X-API-Key': key } })).status, 'old pepper still accepted').to.equal(200);
        await waitFor(
          're-hashed under the new pepper',
          async () => (await call(`${onlyNew.url}/v1/orders`, { headers: { 'X-API-Key': key } })).status === 200,
          10_000,
        );
      } finally {
        await onlyNew.close();
        await overlap.close();
      }
    });
  });
});
