import { expect } from 'chai';
import { createTenantKey, type RunningGateway } from '../../support/platform';
import { call, gateway, waitRedisReady } from './support';

/** Attacks that try to make the platform spend more than the attacker does. */
describe('security: resource abuse', function () {
  this.timeout(60_000);

  describe('public /readyz', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway();
    });
    after(async () => gw?.close());

    it('200 probes, 50 at a time, cost one round of dependency checks per 2 s (one Kafka admin connection), not 200', async () => {
      let admins = 0;
      const started = Date.now();
      const kafka = gw.deps.kafka;
      const original = kafka.admin.bind(kafka);
      kafka.admin = (...a: Parameters<typeof kafka.admin>) => {
        admins += 1;
        return original(...a);
      };
      try {
        for (let wave = 0; wave < 4; wave++) {
          const res = await Promise.all(Array.from({ length: 50 }, () => call(`${gw.url}/readyz`)));
          for (const r of res) expect(r.status).to.equal(200);
        }
      } finally {
        kafka.admin = original;
      }
      // One round per 2 s cache interval at most (one in all unless this machine is very slow).
      expect(admins)
        .to.be.at.least(1)
        .and.at.most(1 + Math.floor((Date.now() - started) / 2000));
    });
  });

  describe("free keys do not multiply a tenant's budget", () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ RATE_LIMIT_READ_PER_MIN: '10', RATE_LIMIT_TENANT_READ_PER_MIN: '15' });
      await waitRedisReady(gw);
    });
    after(async () => gw?.close());

    it('three viewer keys of one tenant get 15 reads together, not 3 × 10; another tenant is unaffected', async () => {
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) keys.push(await createTenantKey(gw, 'tenant-many-keys', 'viewer'));
      let ok = 0;
      for (const key of keys) {
        for (let i = 0; i < 10; i++) {
          const r = await call(`${gw.url}/v1/orders`, { headers: { 'X-API-Key': key } });
          if (r.status === 200) ok += 1;
          else {
            expect(r.status).to.equal(429);
            expect(r.headers['ratelimit-policy']).to.match(/^"(tenant-read|read)";/);
          }
        }
      }
      expect(ok).to.equal(15);
      const other = await createTenantKey(gw, 'tenant-other', 'viewer');
      expect((await call(`${gw.url}/v1/orders`, { headers: { 'X-API-Key': other } })).status).to.equal(200);
    });
  });

  describe('Prefer: wait is capped per principal', () => {
    let gw: RunningGateway;
    before(async () => {
      gw = await gateway({ OPERATION_MAX_WAITS_PER_PRINCIPAL: '2' });
    });
    after(async () => gw?.close());

    it('five concurrent long-polls on an operation no worker finishes: two wait, three are answered at once', async () => {
      const key = await createTenantKey(gw, 'tenant-waits', 'operator');
      const accepted = await call(`${gw.url}/v1/orders`, {
        method: 'POST',
        headers: { 'X-API-Key': key },
        body: { customerId: 'c', currency: 'EUR', items: [{ sku: 'W-1', quantity: 1, unitPriceMinor: 1 }] },
      });
      expect(accepted.status).to.equal(202);
      const location = String(accepted.headers.location);
      const polls = await Promise.all(Array.from({ length: 5 }, () => call(`${gw.url}${location}`, { headers: { 'X-API-Key': key, Prefer: 'wait=2' } })));
      for (const p of polls) expect(p.status).to.equal(200);
      expect(polls.filter((p) => p.headers['preference-applied'] === 'wait=2')).to.have.length(2);
      expect(polls.filter((p) => p.headers['preference-applied'] === undefined)).to.have.length(3);
      // The quota is given back when a wait ends.
      const again = await call(`${gw.url}${location}`, { headers: { 'X-API-Key': key, Prefer: 'wait=1' } });
      expect(again.headers['preference-applied']).to.equal('wait=1');
    });
  });
});
