import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { startGateway, startWorker, createTenantKey, type RunningGateway, type RunningWorker } from '../../support/platform';
import { startMetricsServer } from '../../../shared/process';

/** Reads one counter family from a Prometheus text exposition, by label set. */
function series(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{([^}]*)\}\s+([0-9.e+-]+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}
const sum = (m: Map<string, number>, ...needles: string[]) =>
  [...m].filter(([labels]) => needles.every((n) => labels.includes(n))).reduce((s, [, v]) => s + v, 0);

describe('metrics on /metrics of the running processes', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let worker: RunningWorker;

  before(async () => {
    // The per-IP brute-force limit would (rightly) answer 429 long before 100 failures.
    gw = await startGateway({ RATE_LIMIT_IP_FAILURES_PER_MIN: '100000', RATE_LIMIT_IP_PER_MIN: '100000' });
    worker = await startWorker('orders');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  it('100 requests with bad keys raise the auth-failure counter by exactly 100, with the right reasons', async () => {
    const metricsServer = await startMetricsServer(gw.deps.metrics.registry, '127.0.0.1', 0);
    const url = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
    try {
      const scrape = async () => series((await request(url).get('/metrics')).text, 'stateset_auth_failures_total');
      const before = await scrape();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++)
        sends.push(
          request(gw.url)
            .get('/v1/orders')
            .set('X-API-Key', `not-a-key-${i}`)
            .then((r) => expect(r.status).to.equal(401)),
        );
      for (let i = 0; i < 30; i++)
        sends.push(
          request(gw.url)
            .get('/v1/orders')
            .set('X-API-Key', `sk_live_${'0'.repeat(15)}${i % 10}_${'A'.repeat(43)}`)
            .then((r) => expect(r.status).to.equal(401)),
        );
      for (let i = 0; i < 30; i++)
        sends.push(
          request(gw.url)
            .get('/v1/orders')
            .then((r) => expect(r.status).to.equal(401)),
        );
      await Promise.all(sends);
      const after = await scrape();
      const delta = (...l: string[]) => sum(after, ...l) - sum(before, ...l);
      expect(delta()).to.equal(100);
      expect(delta('reason="malformed"', 'scheme="api_key"')).to.equal(40);
      expect(delta('reason="unknown_key"', 'scheme="api_key"')).to.equal(30);
      expect(delta('reason="missing"')).to.equal(30);
      for (const labels of after.keys()) expect(labels).to.include('service="gateway"').and.not.include('AAAA');
    } finally {
      metricsServer.close();
    }
  });

  it('a worker exposes its own metrics with its service label', async () => {
    const key = await createTenantKey(gw, 'tenant-metrics');
    const res = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .send({ customerId: 'm', currency: 'EUR', items: [{ sku: 'M', quantity: 1, unitPriceMinor: 1 }] });
    await request(gw.url).get(String(res.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=20');
    const server = await startMetricsServer(worker.deps.metrics.registry, '127.0.0.1', 0);
    try {
      const text = (await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).get('/metrics')).text;
      const processed = series(text, 'stateset_worker_commands_total');
      expect(sum(processed, 'type="order.create.v1"', 'outcome="succeeded"', 'service="worker-orders"')).to.be.greaterThan(0);
      expect(text).to.include('stateset_outbox_backlog{service="worker-orders"}');
      expect(text).to.include('process_resident_memory_bytes{service="worker-orders"}');
      expect(text).to.match(/stateset_consumer_lag\{[^}]*service="worker-orders"/);
    } finally {
      server.close();
    }
  });

  it('the gateway counts requests by route template, never by raw path', async () => {
    await request(gw.url).get('/v1/orders/00000000-0000-4000-8000-000000000001');
    const text = (
      await request(gw.url)
        .get('/metrics')
        .set('X-API-Key', await createTenantKey(gw, 'tenant-metrics'))
    ).text;
    expect(text).to.include('route="/v1/orders/:id"');
    expect(text).to.not.include('00000000-0000-4000-8000-000000000001');
  });
});
