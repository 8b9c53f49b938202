import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { createContainer, type Deps } from '../../../shared/container';
import { Outbox, WebhookDelivery, WebhookEndpoint } from '../../../shared/orm';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../../workers/webhooks/dispatcher';
import { createTenantKey, ownTopics, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';

/**
 * Topics of this file's own: the dispatcher's group reads the event and audit topics from the
 * beginning, and on the run's shared topics it would first wade through every earlier test's messages.
 */
let own: Record<string, string> = {};

interface Received {
  id: string;
  type: string;
  body: { type: string; data: Record<string, unknown> };
}

/**
 * A real receiver on loopback: every request's signature is verified with the standardwebhooks
 * package (an unverifiable one is recorded as such and answered 401); `failFirst` answers 500 to
 * the first request of every Nth webhook-id, so retries happen.
 */
class Receiver {
  server: Server;
  url = '';
  secret = '';
  readonly verified: Received[] = [];
  readonly unverified: string[] = [];
  private readonly seen = new Map<string, number>();
  failEvery = 3;
  alwaysFail = false;

  constructor() {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const n = (this.seen.get(String(req.headers['webhook-id'])) ?? 0) + 1;
        this.seen.set(String(req.headers['webhook-id']), n);
        if (this.alwaysFail) return void res.writeHead(500).end();
        let body: Received['body'];
        try {
          body = new Webhook(this.secret).verify(raw, headersOf(req.headers)) as Received['body'];
        } catch (err) {
          this.unverified.push(String(err));
          return void res.writeHead(401).end();
        }
        const id = String(req.headers['webhook-id']);
        if (n === 1 && this.seen.size % this.failEvery === 0) return void res.writeHead(500).end();
        this.verified.push({ id, type: body.type, body });
        res.writeHead(204).end();
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Distinct webhook-ids, as a receiver deduping on them sees them. */
  unique(): Map<string, Received> {
    return new Map(this.verified.map((r) => [r.id, r]));
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

function headersOf(h: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

const DISPATCHER_ENV = {
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
  WEBHOOK_RETRY_INITIAL_MS: '100',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_POLL_MS: '200',
  WEBHOOK_TIMEOUT_MS: '2000',
};

async function dispatcher(env: Record<string, string> = {}): Promise<{ deps: Deps; d: WebhookDispatcher; close(): Promise<void> }> {
  // Under its least-privilege role (shared/orm/role-plan.ts), as in production.
  const role = { DATABASE_ROLE: `${process.env.DATABASE_SCHEMA}_webhooks` };
  const deps = await createContainer(testConfig({ ...own, ...DISPATCHER_ENV, ...role, ...env }), 'webhooks');
  const d = await startWebhookDispatcher(deps);
  return {
    deps,
    d,
    async close() {
      await d.stop();
      await deps.close();
    },
  };
}

describe('webhook dispatcher (real Kafka, PostgreSQL, a loopback receiver)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let orders: RunningWorker;
  let receiver: Receiver;
  let key: string;
  let endpointId: string;

  before(async () => {
    own = await ownTopics();
    gw = await startGateway({ ...own, WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32', DATABASE_ROLE: `${process.env.DATABASE_SCHEMA}_gateway` }, undefined, {
      relay: false,
    });
    orders = await startWorker('orders', own);
    receiver = new Receiver();
    await receiver.start();
    key = await createTenantKey(gw, 'tenant-webhook-delivery', 'admin');
  });
  after(async () => {
    await orders?.close();
    await gw?.close();
    receiver?.close();
  });

  const createOrder = async (n: number): Promise<string> => {
    const res = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .set('Idempotency-Key', `wh-order-${n}-${Date.now()}`)
      .send({ customerId: `cust-${n}`, currency: 'EUR', items: [{ sku: 'SKU-WH', quantity: 1, unitPriceMinor: 100 }] });
    expect(res.status).to.equal(202);
    return res.body.id as string;
  };

  it('delivers every operation.succeeded and order.created once after dedupe, signed, across a dispatcher restart', async () => {
    const created = await request(gw.url)
      .post('/v1/webhooks')
      .set('X-API-Key', key)
      .send({ url: receiver.url, events: ['operation.succeeded', 'order.created.v1'] });
    expect(created.status).to.equal(201);
    receiver.secret = created.body.secret;
    endpointId = created.body.id;

    let first = await dispatcher();
    const operations: string[] = [];
    for (let i = 0; i < 6; i++) operations.push(await createOrder(i));
    await waitFor('some deliveries before the restart', async () => receiver.unique().size >= 2, 30_000);
    // A restart mid-stream: offsets not yet committed are redelivered by Kafka; no second delivery row, the same webhook-id.
    await first.close();
    for (let i = 6; i < 12; i++) operations.push(await createOrder(i));
    first = await dispatcher();
    try {
      await waitFor(
        'every operation.succeeded and order.created',
        async () => {
          const u = [...receiver.unique().values()];
          return u.filter((r) => r.type === 'operation.succeeded').length >= 12 && u.filter((r) => r.type === 'order.created.v1').length >= 12;
        },
        60_000,
      );
      const unique = [...receiver.unique().values()];
      const succeeded = unique.filter((r) => r.type === 'operation.succeeded');
      expect(succeeded.map((r) => r.body.data.id).sort()).to.deep.equal([...operations].sort());
      for (const r of succeeded) expect(r.body.data).to.include({ status: 'succeeded', done: true });
      const orderIds = succeeded.map((r) => (r.body.data.resource as { id: string }).id).sort();
      const createdOrders = unique.filter((r) => r.type === 'order.created.v1').map((r) => r.body.data.orderId as string);
      expect(createdOrders.sort()).to.deep.equal(orderIds);
      expect(unique).to.have.length(24);
      expect(receiver.unverified).to.deep.equal([]);
      // Retries happened (every third message's first attempt failed) and were recorded with status and latency.
      const res = await request(gw.url).get(`/v1/webhooks/${endpointId}/deliveries?limit=100`).set('X-API-Key', key);
      expect(res.status).to.equal(200);
      expect(res.body.data).to.have.length(24);
      const retried = res.body.data.filter((d: { attemptCount: number }) => d.attemptCount > 1);
      expect(retried.length).to.be.greaterThan(0);
      for (const d of retried) {
        expect(d.status).to.equal('succeeded');
        expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).to.include.members([500, 204]);
        for (const a of d.attempts) expect(a.latencyMs).to.be.a('number').and.at.least(0);
      }
      const rows = await gw.deps.orm.em.fork().count(WebhookDelivery, { endpointId });
      expect(rows).to.equal(24);

      // Redelivery: the same webhook-id again.
      const one = res.body.data[0] as { id: string; webhookId: string };
      const before = receiver.verified.filter((r) => r.id === one.webhookId).length;
      const again = await request(gw.url).post(`/v1/webhooks/${endpointId}/deliveries/${one.id}/redeliver`).set('X-API-Key', key).send({});
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ status: 'pending', webhookId: one.webhookId });
      await waitFor('redelivered', async () => receiver.verified.filter((r) => r.id === one.webhookId).length > before, 20_000);
    } finally {
      await first.close();
    }
  });

  it('disables an endpoint after a run of failed attempts: audited and counted', async () => {
    const d = await dispatcher({ WEBHOOK_DISABLE_AFTER_FAILURES: '3' });
    try {
      receiver.alwaysFail = true;
      await createOrder(100);
      await waitFor(
        'endpoint disabled',
        async () => (await gw.deps.orm.em.fork().findOneOrFail(WebhookEndpoint, { id: endpointId })).status === 'disabled',
        30_000,
      );
      const row = await gw.deps.orm.em.fork().findOneOrFail(WebhookEndpoint, { id: endpointId });
      expect(row).to.include({ disabledReason: 'failing' });
      expect(row.consecutiveFailures).to.be.at.least(3);
      const audit = await gw.deps.orm.em.fork().find(Outbox, { topic: gw.deps.topics.audit });
      expect(
        audit.some(
          (r) =>
            (r.payload as { action: string; resourceId: string }).action === 'webhook.endpoint_disabled' &&
            (r.payload as { resourceId: string }).resourceId === endpointId,
        ),
      ).to.equal(true);
      const metrics = await d.deps.metrics.registry.getSingleMetricAsString('stateset_webhook_endpoints_disabled_total');
      expect(metrics).to.match(/stateset_webhook_endpoints_disabled_total\{[^}]*\} 1/);
      const view = await request(gw.url).get(`/v1/webhooks/${endpointId}`).set('X-API-Key', key);
      expect(view.body).to.include({ status: 'disabled', disabledReason: 'failing' });
    } finally {
      receiver.alwaysFail = false;
      await d.close();
    }
  });
});
