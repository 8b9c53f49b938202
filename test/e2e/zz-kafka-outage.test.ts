import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, startGateway, waitFor, type RunningGateway } from '../support/platform';
import { Operation } from '../../shared/orm';

const root = path.resolve(__dirname, '..', '..');
const kafka = (action: 'stop' | 'start') =>
  execFileSync('bash', [path.join(root, 'ops/infra/kafka.sh'), action], { cwd: root, stdio: 'pipe', timeout: 150_000 });

const order = { customerId: 'c-out', currency: 'EUR', items: [{ sku: 'X', quantity: 1, unitPriceMinor: 1 }] };

/** Runs last: it stops the real broker, then starts it again. */
describe('e2e: Kafka stopped → 503, nothing accepted', function () {
  this.timeout(240_000);
  let gw: RunningGateway;
  let key: string;

  before(async () => {
    gw = await startGateway({ KAFKA_REQUEST_TIMEOUT_MS: '3000' });
    key = await createTenantKey(gw, 'tenant-outage');
    // Warm the producer so the outage hits a connected client, as in production.
    const ok = await request(gw.url).post('/v1/orders').set('X-API-Key', key).send(order);
    expect(ok.status).to.equal(202);
  });
  after(async () => {
    try {
      kafka('start');
    } finally {
      await gw?.close();
    }
  });

  it('answers 503 problem+json with Retry-After, records no operation, and frees the idempotency key', async () => {
    kafka('stop');
    const before = await gw.deps.orm.em.fork().count(Operation, { tenantId: 'tenant-outage' });
    const res = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'outage-1').send(order);
    expect(res.status).to.equal(503);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.headers['retry-after']).to.match(/^\d+$/);
    expect(res.body).to.include({ status: 503 });
    expect(JSON.stringify(res.body)).to.not.match(/ECONNREFUSED|127\.0\.0\.1|stack/);
    expect(await gw.deps.orm.em.fork().count(Operation, { tenantId: 'tenant-outage' })).to.equal(before);

    kafka('start');
    // The same key is usable again: the failed attempt left nothing behind.
    const again = await waitFor(
      'accepted after Kafka is back',
      async () => {
        const r = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'outage-1').send(order);
        return r.status === 202 ? r : null;
      },
      90_000,
    );
    expect(again.body.type).to.equal('order.create.v1');
  });
});
