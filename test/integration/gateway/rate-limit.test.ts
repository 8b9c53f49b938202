import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, type RunningGateway } from '../../support/platform';
import { call, gateway, isProblem, waitRedisReady } from './support';

const counter = async (gw: RunningGateway, name: 'rateLimited' | 'rateLimiterUnavailable', label: string, value: string) =>
  (await gw.deps.metrics[name].get()).values.filter((v) => (v.labels as Record<string, string>)[label] === value).reduce((n, v) => n + v.value, 0);

describe('gateway rate limiting (Redis)', function () {
  this.timeout(120_000);

  describe('exactness across two gateway instances', () => {
    let a: RunningGateway;
    let b: RunningGateway;
    before(async () => {
      const shared = {
        REDIS_KEY_PREFIX: `test-rl-${randomBytes(4).toString('hex')}:`,
        RATE_LIMIT_TENANT_OVERRIDES: JSON.stringify({ 'tenant-exact': { read: 50 } }),
      };
      a = await gateway(shared);
      b = await gateway(shared);
      await Promise.all([waitRedisReady(a), waitRedisReady(b)]);
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    it('500 concurrent requests against a limit of 50 → exactly 50 admitted, the rest 429 with Retry-After', async () => {
      const key = await createTenantKey(a, 'tenant-exact', 'viewer');
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, i) => call(`${(i % 2 === 0 ? a : b).url}/v1/orders?limit=1`, { headers: { 'X-API-Key': key } })),
      );
      const ok = results.filter((r) => r.status === 200);
      const limited = results.filter((r) => r.status === 429);
      expect(ok.length).to.equal(50);
      expect(limited.length).to.equal(450);
      for (const r of limited) {
        expect(Number(r.headers['retry-after'])).to.be.within(1, 60);
        expect(isProblem(r as never)).to.equal(true);
        expect(r.headers['ratelimit-policy']).to.equal('"read";q=50;w=60');
      }
      const remaining = ok.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((x, y) => x - y);
      expect(remaining).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
      expect((await counter(a, 'rateLimited', 'policy', 'read')) + (await counter(b, 'rateLimited', 'policy', 'read'))).to.equal(450);
    });
  });

  describe('leases: hits taken from Redis in batches', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ RATE_LIMIT_READ_PER_MIN: '1000', RATE_LIMIT_LEASE_MS: '300' });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('200 concurrent requests cost a few Redis calls; unspent hits are given back, so the count stays exact', async () => {
      const key = await createTenantKey(gw, 'tenant-lease', 'viewer');
      const decisions = async (source: string) =>
        (await gw.deps.metrics.rateLimitDecisions.get()).values.filter((v) => v.labels.source === source).reduce((n, v) => n + v.value, 0);
      const before = { redis: await decisions('redis'), lease: await decisions('lease') };
      const results = await Promise.all(Array.from({ length: 200 }, () => call(`${gw.url}/v1/orders?limit=1`, { headers: { 'X-API-Key': key } })));
      expect(results.map((r) => r.status).filter((s) => s !== 200)).to.deep.equal([]);
      const redisCalls = (await decisions('redis')) - before.redis;
      expect(redisCalls + (await decisions('lease')) - before.lease).to.equal(200);
      expect(redisCalls).to.be.below(40);
      const remaining = results.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((x, y) => y - x);
      expect(remaining).to.deep.equal(Array.from({ length: 200 }, (_, i) => 999 - i));
      // After the lease time the next request's lease gives back what the last one did not spend.
      await new Promise((r) => setTimeout(r, 400));
      const next = await call(`${gw.url}/v1/orders?limit=1`, { headers: { 'X-API-Key': key } });
      expect(Number(next.headers['x-ratelimit-remaining'])).to.equal(1000 - 201);
    });
  });

  describe('policies and headers', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({
        RATE_LIMIT_READ_PER_MIN: '5',
        RATE_LIMIT_WRITE_PER_MIN: '3',
        RATE_LIMIT_AUTH_PER_MIN: '2',
        RATE_LIMIT_IP_PER_MIN: '4',
        RATE_LIMIT_IP_FAILURES_PER_MIN: '10',
        RATE_LIMIT_TENANT_OVERRIDES: JSON.stringify({ 'tenant-big': { read: 8 } }),
      });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('answers RateLimit-Policy, RateLimit and X-RateLimit-* headers; per principal and route class', async () => {
      const key = await createTenantKey(gw, 'tenant-rl', 'operator');
      const res = await request(gw.url).get('/v1/orders').set('X-API-Key', key);
      expect(res.status).to.equal(200);
      expect(res.headers['ratelimit-policy']).to.equal('"read";q=5;w=60');
      expect(res.headers.ratelimit).to.match(/^"read";r=4;t=\d+$/);
      expect(res.headers['x-ratelimit-limit']).to.equal('5');
      expect(res.headers['x-ratelimit-remaining']).to.equal('4');
      expect(Number(res.headers['x-ratelimit-reset'])).to.be.within(Date.now() / 1000, Date.now() / 1000 + 61);
      for (let i = 0; i < 4; i++) expect((await request(gw.url).get('/v1/orders').set('X-API-Key', key)).status).to.equal(200);
      const limited = await request(gw.url).get('/v1/orders').set('X-API-Key', key);
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
      expect(limited.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(limited.body).to.include({ status: 429, title: 'Too many requests' });
      // Writes have their own budget (3), and so does the token endpoint (auth, 2).
      const w = await request(gw.url).post('/v1/orders').set('X-API-Key', key).send({ invalid: true });
      expect(w.status).to.equal(400);
      expect(w.headers['ratelimit-policy']).to.equal('"write";q=3;w=60');
      expect((await request(gw.url).post('/v1/auth/token').set('X-API-Key', key)).headers['ratelimit-policy']).to.equal('"auth";q=2;w=60');
      // Another principal of the same tenant is not affected.
      const other = await createTenantKey(gw, 'tenant-rl', 'viewer');
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', other)).status).to.equal(200);
    });

    it('applies per-tenant overrides from config', async () => {
      const key = await createTenantKey(gw, 'tenant-big', 'viewer');
      const res = await request(gw.url).get('/v1/orders').set('X-API-Key', key);
      expect(res.headers['ratelimit-policy']).to.equal('"read";q=8;w=60');
    });

    it('limits unauthenticated (public) traffic per source address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await request(gw.url).get('/healthz')).status);
      expect(statuses).to.deep.equal([200, 200, 200, 200, 429, 429]);
    });
  });

  describe('brute force: failed authentications per source address', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ RATE_LIMIT_IP_FAILURES_PER_MIN: '10' });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('after 10 failures in a minute the address gets 429, even with a correct key; X-Forwarded-For is not trusted by default', async () => {
      const good = await createTenantKey(gw, 'tenant-bf', 'viewer');
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', good)).status).to.equal(200);
      for (let i = 0; i < 10; i++) {
        const res = await request(gw.url)
          .get('/v1/orders')
          .set('X-API-Key', `sk_live_${randomBytes(8).toString('hex')}_${'B'.repeat(43)}`)
          .set('X-Forwarded-For', `198.51.100.${i}`);
        expect(res.status).to.equal(401);
      }
      const eleventh = await request(gw.url).get('/v1/orders').set('X-API-Key', 'sk_live_wrong').set('X-Forwarded-For', '203.0.113.9');
      expect(eleventh.status).to.equal(429);
      expect(Number(eleventh.headers['retry-after'])).to.be.within(1, 60);
      const correct = await request(gw.url).get('/v1/orders').set('X-API-Key', good);
      expect(correct.status).to.equal(429);
      expect(correct.body.title).to.equal('Too many requests');
      expect(await counter(gw, 'rateLimited', 'policy', 'ip-auth-failures')).to.be.at.least(2);
    });
  });

  describe('X-Forwarded-For from a configured proxy', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ RATE_LIMIT_IP_FAILURES_PER_MIN: '3', TRUST_PROXY: 'loopback' });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('counts failures per forwarded client address when the peer is a trusted proxy', async () => {
      const good = await createTenantKey(gw, 'tenant-xff', 'viewer');
      for (let i = 0; i < 4; i++) await request(gw.url).get('/v1/orders').set('X-API-Key', 'sk_live_x').set('X-Forwarded-For', '198.51.100.7');
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', good).set('X-Forwarded-For', '198.51.100.7')).status).to.equal(429);
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', good).set('X-Forwarded-For', '198.51.100.8')).status).to.equal(200);
    });
  });

  describe('Redis unavailable', () => {
    let closed: RunningGateway;
    let open: RunningGateway;
    let key: string;
    before(async () => {
      closed = await gateway({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_REDIS_DOWN_READS: 'fail-closed' });
      open = await gateway({ REDIS_URL: 'redis://127.0.0.1:1' });
      key = await createTenantKey(open, 'tenant-noredis', 'operator');
    });
    after(async () => {
      await closed?.close();
      await open?.close();
    });

    it('writes fail closed by default (503 + Retry-After), reads follow RATE_LIMIT_REDIS_DOWN_READS; every decision counted', async () => {
      const w = await request(open.url).post('/v1/orders').set('X-API-Key', key).send({ invalid: true });
      expect(w.status).to.equal(503);
      expect(w.headers['retry-after']).to.equal('5');
      expect(isProblem(w as never)).to.equal(true);
      expect(await counter(open, 'rateLimiterUnavailable', 'decision', 'refused')).to.equal(1);

      const r = await request(open.url).get('/v1/orders').set('X-API-Key', key);
      expect(r.status).to.equal(200);
      expect(await counter(open, 'rateLimiterUnavailable', 'decision', 'allowed')).to.equal(1);

      const rc = await request(closed.url).get('/v1/orders').set('X-API-Key', key);
      expect(rc.status).to.equal(503);
      expect(await counter(closed, 'rateLimiterUnavailable', 'decision', 'refused')).to.equal(1);

      const bad = await request(open.url).get('/v1/orders').set('X-API-Key', 'sk_live_nope');
      expect(bad.status).to.equal(401);
      expect(await counter(open, 'rateLimiterUnavailable', 'decision', 'uncounted')).to.equal(1);
    });
  });
});
