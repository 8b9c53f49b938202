import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import pg from 'pg';
import { DomainEvent, Operation } from '../../../shared/orm';
import { purgeExpired } from '../../../shared/retention';
import { anOperation } from '../../support/factories';
import { createTenantKey, startWorker, type RunningGateway, type RunningWorker } from '../../support/platform';
import { gateway, isProblem } from './support';

const DAY = 86_400_000;
const orderBody = (customerId: string) => ({ customerId, currency: 'EUR', items: [{ sku: 'FEED-1', quantity: 1, unitPriceMinor: 100 }] });

interface FeedEvent {
  id: string;
  type: string;
  aggregateId: string;
  operationId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

describe('events feed GET /v1/events and the retention purge (real PostgreSQL, Kafka, Redis)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  const tenantA = `tenant-feed-a-${randomUUID().slice(0, 6)}`;
  const tenantB = `tenant-feed-b-${randomUUID().slice(0, 6)}`;
  let keyA: string;
  let keyB: string;
  const orders: { operationId: string; orderId: string }[] = [];

  before(async () => {
    gw = await gateway();
    worker = await startWorker('orders');
    keyA = await createTenantKey(gw, tenantA, 'viewer');
    keyB = await createTenantKey(gw, tenantB, 'admin');
    const writer = await createTenantKey(gw, tenantA, 'operator');
    for (let i = 0; i < 3; i++) {
      const res = await request(gw.url)
        .post('/v1/orders')
        .set('X-API-Key', writer)
        .send(orderBody(`feed-${i}`));
      expect(res.status).to.equal(202);
      const done = await request(gw.url).get(`/v1/operations/${res.body.id}`).set('X-API-Key', writer).set('Prefer', 'wait=30');
      expect(done.body.status).to.equal('succeeded');
      orders.push({ operationId: res.body.id, orderId: res.body.resource.id });
    }
    // Tenant B has events of its own, which A must never see.
    const b = await request(gw.url).post('/v1/orders').set('X-API-Key', keyB).send(orderBody('feed-b'));
    await request(gw.url).get(`/v1/operations/${b.body.id}`).set('X-API-Key', keyB).set('Prefer', 'wait=30');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  const feed = (key: string, query = '') => request(gw.url).get(`/v1/events${query}`).set('X-API-Key', key);

  it("lists the tenant's events in the order they were emitted, each with the payload as published", async () => {
    const res = await feed(keyA, '?limit=100');
    expect(res.status).to.equal(200);
    const events = res.body.data as FeedEvent[];
    const created = events.filter((e) => e.type === 'order.created.v1');
    expect(created.map((e) => e.operationId)).to.deep.equal(orders.map((o) => o.operationId));
    expect(created.map((e) => e.aggregateId)).to.deep.equal(orders.map((o) => o.orderId));
    expect(created[0]!.payload).to.include({ orderId: orders[0]!.orderId, customerId: 'feed-0' });
    // The same event ids the outbox published.
    const row = await gw.deps.orm.em.fork().findOneOrFail(DomainEvent, { id: created[0]!.id });
    expect(row.tenantId).to.equal(tenantA);
    expect(res.body.nextCursor).to.be.a('string');
  });

  it('pages with after=<cursor> without repeating or skipping, and the cursor of the last page is kept for the next poll', async () => {
    const all = ((await feed(keyA, '?limit=100')).body.data as FeedEvent[]).map((e) => e.id);
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < all.length; i++) {
      const res = await feed(keyA, `?limit=1${after ? `&after=${after}` : ''}`);
      expect(res.status).to.equal(200);
      seen.push(...(res.body.data as FeedEvent[]).map((e) => e.id));
      after = res.body.nextCursor;
    }
    expect(seen).to.deep.equal(all);
    const caughtUp = await feed(keyA, `?after=${after}`);
    expect(caughtUp.body.data).to.deep.equal([]);
    expect(caughtUp.body.nextCursor).to.equal(after);
  });

  it('filters by type', async () => {
    const res = await feed(keyA, '?type=order.created.v1&limit=100');
    expect(res.status).to.equal(200);
    expect((res.body.data as FeedEvent[]).map((e) => e.type)).to.deep.equal(['order.created.v1', 'order.created.v1', 'order.created.v1']);
  });

  it("never shows another tenant's events", async () => {
    const ofB = (await feed(keyB, '?limit=100')).body.data as FeedEvent[];
    const idsOfA = ((await feed(keyA, '?limit=100')).body.data as FeedEvent[]).map((e) => e.id);
    expect(ofB.length).to.be.greaterThan(0);
    for (const e of ofB) expect(idsOfA).to.not.include(e.id);
    for (const o of orders) expect(ofB.map((e) => e.operationId)).to.not.include(o.operationId);
  });

  it('bad input is a 400 problem naming the field', async () => {
    for (const [query, field] of [
      ['?after=bm9wZQ', 'query.after'],
      ['?type=order.exploded.v1', 'query.type'],
      ['?limit=101', 'query.limit'],
      ['?cursor=x', 'query'],
    ]) {
      const res = await feed(keyA, query);
      expect(res.status, query).to.equal(400);
      expect(isProblem(res as never), query).to.equal(true);
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).to.include(field);
    }
  });

  it('does not show an event while an older transaction that could still write before it is open (no gaps behind a cursor)', async () => {
    const before = (await feed(keyA, '?limit=100')).body.data as FeedEvent[];
    const client = new pg.Client({ connectionString: gw.deps.config.DATABASE_URL });
    await client.connect();
    try {
      await client.query(`set search_path = ${gw.deps.config.DATABASE_SCHEMA}`);
      await client.query('begin');
      const open = randomUUID();
      await client.query(
        `insert into events (id, tenant_id, type, topic, aggregate_id, operation_id, payload, occurred_at) values ($1, $2, 'order.created.v1', 't', 'agg', null, '{}', now())`,
        [open, tenantA],
      );
      // A later transaction commits an event while the first is still open: it must wait behind it.
      const later = randomUUID();
      await gw.deps.orm.em.fork().insert(DomainEvent, {
        id: later,
        tenantId: tenantA,
        type: 'order.created.v1',
        topic: 't',
        aggregateId: 'agg',
        operationId: null,
        payload: {},
        occurredAt: new Date(),
      } as never);
      const during = ((await feed(keyA, '?limit=100')).body.data as FeedEvent[]).map((e) => e.id);
      expect(during).to.deep.equal(before.map((e) => e.id));
      await client.query('commit');
      const afterCommit = ((await feed(keyA, '?limit=100')).body.data as FeedEvent[]).map((e) => e.id);
      expect(afterCommit.slice(-2)).to.deep.equal([open, later]);
    } finally {
      await client.end();
    }
  });

  it('the purge deletes finished operations and events past retention in bounded batches, and keeps the rest', async () => {
    const tenant = `tenant-purge-${randomUUID().slice(0, 6)}`;
    const now = new Date();
    const old = new Date(now.getTime() - 8 * DAY);
    const recent = new Date(now.getTime() - 6 * DAY);
    const em = gw.deps.orm.em.fork();
    const oldFinal = ['succeeded', 'failed', 'cancelled', 'succeeded', 'failed'].map((status) =>
      anOperation({ tenantId: tenant, status: status as never, createdAt: old, updatedAt: old }),
    );
    const oldPending = anOperation({ tenantId: tenant, status: 'accepted', createdAt: old, updatedAt: old });
    const recentFinal = anOperation({ tenantId: tenant, status: 'succeeded', createdAt: recent, updatedAt: recent });
    await em.insertMany(Operation, [...oldFinal, oldPending, recentFinal]);
    const event = (occurredAt: Date) => ({
      id: randomUUID(),
      tenantId: tenant,
      type: 'order.created.v1',
      topic: 't',
      aggregateId: 'a',
      operationId: null,
      payload: {},
      occurredAt,
    });
    const oldEvents = [event(old), event(old), event(old)];
    const recentEvent = event(recent);
    await em.insertMany(DomainEvent, [...oldEvents, recentEvent] as never[]);
    const metric = gw.deps.metrics.registry.getSingleMetric('stateset_retention_purged_rows_total')!;
    const counted = async (table: string) => (await metric.get()).values.find((v) => v.labels.table === table)?.value ?? 0;
    const [opsBefore, eventsBefore] = [await counted('operations'), await counted('events')];

    // Batches of 2, at most 2 per run: a backlog of 5 takes more than one run.
    const first = await purgeExpired(gw.deps, now, { batch: 2, maxBatches: 2 });
    expect(first.operations).to.equal(4);
    const second = await purgeExpired(gw.deps, now, { batch: 2, maxBatches: 2 });
    expect(second.operations).to.equal(1);
    expect(first.events + second.events).to.equal(3);

    const left = await gw.deps.orm.em.fork().find(Operation, { tenantId: tenant });
    expect(left.map((o) => o.id).sort()).to.deep.equal([oldPending.id, recentFinal.id].sort());
    const eventsLeft = await gw.deps.orm.em.fork().find(DomainEvent, { tenantId: tenant });
    expect(eventsLeft.map((e) => e.id)).to.deep.equal([recentEvent.id]);
    expect(await counted('operations')).to.equal(opsBefore + 5);
    expect(await counted('events')).to.equal(eventsBefore + 3);
    // A purged operation is gone from the API as any missing one.
    const key = await createTenantKey(gw, tenant, 'viewer');
    expect((await request(gw.url).get(`/v1/operations/${oldFinal[0]!.id}`).set('X-API-Key', key)).status).to.equal(404);
    expect((await request(gw.url).get(`/v1/operations/${recentFinal.id}`).set('X-API-Key', key)).status).to.equal(200);
  });
});
