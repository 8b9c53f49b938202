import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { KafkaMessage } from 'kafkajs';
import { findCommand } from '../../../schemas/catalog';
import { DomainEvent, Operation, Outbox, type OperationRow } from '../../../shared/orm';
import { Order } from '../../../workers/orders/entities';
import { applyItems, applyOne, OperationCancelledMeanwhileError, type Applicable } from '../../../shared/worker/apply';
import type { CommandHandler } from '../../../shared/worker';
import type { Envelope } from '../../../shared/worker/envelope';
import { anOperation } from '../../support/factories';
import { createTenantKey, startWorker, waitFor, workerOptions, type RunningGateway, type RunningWorker } from '../../support/platform';
import { gateway, isProblem } from './support';

const orderBody = (customerId: string) => ({ customerId, currency: 'EUR', items: [{ sku: 'OPS-1', quantity: 1, unitPriceMinor: 250 }] });

async function metricValue(gw: { deps: { metrics: { registry: { getSingleMetric(n: string): unknown } } } }, name: string, labels: Record<string, string>) {
  const metric = gw.deps.metrics.registry.getSingleMetric(name) as { get(): Promise<{ values: { value: number; labels: Record<string, string> }[] }> };
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

describe('operations resource: cancel, list (real PostgreSQL, Kafka, Redis)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let worker: RunningWorker | undefined;
  const tenantA = `tenant-ops-a-${randomUUID().slice(0, 6)}`;
  const tenantB = `tenant-ops-b-${randomUUID().slice(0, 6)}`;
  let keyA: string;
  let keyB: string;

  before(async () => {
    gw = await gateway();
    keyA = await createTenantKey(gw, tenantA, 'admin');
    keyB = await createTenantKey(gw, tenantB, 'admin');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  const post = (key: string, path: string, body?: object) => {
    const r = request(gw.url).post(path).set('X-API-Key', key);
    return body === undefined ? r : r.send(body);
  };
  const get = (key: string, path: string) => request(gw.url).get(path).set('X-API-Key', key);

  describe('POST /v1/operations/{id}/cancel', () => {
    let cancelledId: string;
    let cancelledOrderId: string;
    let appliedId: string;

    it('a command not yet applied ends cancelled; the worker then claims it and does nothing else (no order, no event), audited', async () => {
      // No orders worker runs yet: the command waits in Kafka.
      const accepted = await post(keyA, '/v1/orders', orderBody('cancel-me'));
      expect(accepted.status).to.equal(202);
      cancelledId = accepted.body.id;
      cancelledOrderId = accepted.body.resource.id;
      const before = await metricValue(gw, 'stateset_operation_cancels_total', { outcome: 'cancelled' });

      const cancelled = await post(keyA, `/v1/operations/${cancelledId}/cancel`);
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      expect(cancelled.body).to.include({ id: cancelledId, status: 'cancelled', done: true });
      expect(await metricValue(gw, 'stateset_operation_cancels_total', { outcome: 'cancelled' })).to.equal(before + 1);
      // Again: the same answer (idempotent), nothing changes.
      const again = await post(keyA, `/v1/operations/${cancelledId}/cancel`, {});
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(cancelled.body);
      // Prefer: wait treats cancelled as done: answered at once, no Retry-After.
      const t0 = Date.now();
      const polled = await get(keyA, `/v1/operations/${cancelledId}`).set('Prefer', 'wait=10');
      expect(Date.now() - t0).to.be.lessThan(2000);
      expect(polled.body.status).to.equal('cancelled');
      expect(polled.headers['retry-after']).to.equal(undefined);

      worker = await startWorker('orders');
      // A later command is applied; it may sit on another partition than the cancelled one, so the
      // cancelled one's claim is waited for, not assumed.
      const next = await post(keyA, '/v1/orders', orderBody('after-cancel'));
      appliedId = next.body.id;
      const done = await get(keyA, `/v1/operations/${appliedId}`).set('Prefer', 'wait=30');
      expect(done.body.status).to.equal('succeeded');
      const em = gw.deps.orm.em.fork();
      const claims = async () =>
        Number((await em.execute<{ n: string }[]>(`select count(*) as n from inbox where consumer = 'orders' and message_id = ?`, [cancelledId]))[0]!.n);
      await waitFor('the cancelled command claimed in the inbox', async () => (await claims()) === 1, 30_000);
      expect(await claims(), 'the cancelled command is claimed in the inbox once').to.equal(1);
      expect(await em.findOne(Order, { id: cancelledOrderId }), 'no order was made').to.equal(null);
      expect(await em.count(DomainEvent, { operationId: cancelledId }), 'no event in the feed').to.equal(0);
      const outbox = await em.find(Outbox, {});
      const ofCancelled = outbox.filter((r) => r.headers['operation-id'] === cancelledId);
      expect(
        ofCancelled.filter((r) => r.recordName !== 'audit'),
        'no event in the outbox',
      ).to.deep.equal([]);
      const actions = ofCancelled.map((r) => String(r.payload.action));
      expect(actions).to.include.members(['command.accepted', 'operation.cancelled', 'operation.cancel_requested', 'command.skipped_cancelled']);
      expect(actions).to.not.include('command.succeeded');
      expect((await em.findOneOrFail(Operation, { id: cancelledId })).status).to.equal('cancelled');
      await waitFor(
        'the skip counted',
        async () => (await metricValue(worker!, 'stateset_worker_commands_total', { type: 'order.create.v1', outcome: 'cancelled' })) === 1,
        10_000,
      );
    });

    it('an applied command answers 409 (problem+json) and stays as it was', async () => {
      const res = await post(keyA, `/v1/operations/${appliedId}/cancel`);
      expect(res.status).to.equal(409);
      expect(isProblem(res as never)).to.equal(true);
      expect(res.body.detail).to.match(/succeeded/);
      expect((await gw.deps.orm.em.fork().findOneOrFail(Operation, { id: appliedId })).status).to.equal('succeeded');
      const audits = (await gw.deps.orm.em.fork().find(Outbox, { recordName: 'audit' })).filter(
        (r) => r.payload.operationId === appliedId && r.payload.action === 'operation.cancel_refused',
      );
      expect(audits).to.have.length(1);
    });

    it("another tenant's operation answers 404 with the body of a missing one, and is not cancelled", async () => {
      const accepted = await post(keyA, '/v1/orders', orderBody('foreign'));
      const foreign = await post(keyB, `/v1/operations/${accepted.body.id}/cancel`);
      const missing = await post(keyB, `/v1/operations/${randomUUID()}/cancel`);
      expect(foreign.status).to.equal(404);
      expect(missing.status).to.equal(404);
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
      expect(strip(foreign.body)).to.deep.equal(strip(missing.body));
      expect((await get(keyA, `/v1/operations/${accepted.body.id}`).set('Prefer', 'wait=30')).body.status).to.equal('succeeded');
    });

    it('bad input is a 400 problem and changes nothing', async () => {
      const notUuid = await post(keyA, '/v1/operations/not-a-uuid/cancel');
      expect(notUuid.status).to.equal(400);
      expect(isProblem(notUuid as never)).to.equal(true);
      const extra = await post(keyA, `/v1/operations/${appliedId}/cancel`, { reason: 'x' });
      expect(extra.status).to.equal(400);
      expect(extra.body.errors[0].path).to.equal('body');
      const text = await post(keyA, `/v1/operations/${appliedId}/cancel`).set('content-type', 'text/plain').send('x');
      expect(text.status).to.equal(415);
    });

    it("needs operations:write and the write permission of the command's domain", async () => {
      const accepted = await post(keyA, '/v1/orders', orderBody('perm'));
      const { secret: narrow } = await gw.services.apiKeys.create({
        tenantId: tenantA,
        name: 'inventory operator',
        role: 'custom',
        permissions: ['operations:read', 'operations:write', 'inventory:write'],
        createdBy: 'test',
      });
      const viewer = await createTenantKey(gw, tenantA, 'viewer');
      expect((await post(viewer, `/v1/operations/${accepted.body.id}/cancel`)).status).to.equal(403);
      const res = await post(narrow, `/v1/operations/${accepted.body.id}/cancel`);
      expect(res.status).to.equal(403);
      expect(isProblem(res as never)).to.equal(true);
      expect((await gw.deps.orm.em.fork().findOneOrFail(Operation, { id: accepted.body.id })).status).to.not.equal('cancelled');
    });

    it('a cancel that commits between the worker’s lock (row not yet there) and its upsert rolls the batch back; applied again, it is skipped', async () => {
      const deps = gw.deps;
      const def = findCommand('order.create.v1')!;
      const parsed = def.parseBody(orderBody('race'));
      if (!parsed.success) throw new Error('bad body');
      const orderId = randomUUID();
      const payload = parsed.body.toPayload({ newId: () => orderId }) as Record<string, unknown>;
      const operationId = randomUUID();
      const env: Envelope = {
        kind: 'command',
        messageId: operationId,
        operationId,
        commandType: 'order.create.v1',
        tenantId: tenantA,
        principal: 'test',
        requestId: `race-${operationId}`,
        occurredAt: new Date(),
      };
      const real = workerOptions('orders', deps.config).handlers.find((h) => h.command === 'order.create.v1')!;
      let raced = false;
      // As the gateway and a client would, on other connections, while the worker's handler runs:
      // the row appears (accepted) and is cancelled after the worker's lock found nothing.
      const racing: CommandHandler<never> = {
        command: 'order.create.v1',
        async handle(cmd, ctx) {
          if (!raced) {
            raced = true;
            await deps.orm.em.fork().insert(Operation, anOperation({ id: operationId, tenantId: tenantA, status: 'accepted' }));
            const cancel = await post(keyA, `/v1/operations/${operationId}/cancel`);
            expect(cancel.status).to.equal(200);
          }
          return real.handle(cmd, ctx);
        },
      };
      const item: Applicable = { kind: 'command', message: {} as KafkaMessage, env, handler: racing, payload };
      const err = await applyItems(deps, 'orders', [item], async () => undefined).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(OperationCancelledMeanwhileError);
      const em = deps.orm.em.fork();
      expect(await em.findOne(Order, { id: orderId }), 'the effect was rolled back').to.equal(null);
      expect(await em.count(DomainEvent, { operationId })).to.equal(0);
      expect((await em.findOneOrFail(Operation, { id: operationId })).status).to.equal('cancelled');
      // The worker's retry (one by one): the lock now sees cancelled.
      expect(await applyOne(deps, 'orders', item)).to.deep.equal(['cancelled']);
      expect(await deps.orm.em.fork().findOne(Order, { id: orderId })).to.equal(null);
      expect((await deps.orm.em.fork().findOneOrFail(Operation, { id: operationId })).status).to.equal('cancelled');
    });
  });

  describe('GET /v1/operations', () => {
    const tenantL = `tenant-ops-l-${randomUUID().slice(0, 6)}`;
    let keyL: string;
    const seeded: OperationRow[] = [];

    before(async () => {
      keyL = await createTenantKey(gw, tenantL, 'viewer');
      const base = Date.now() - 60_000;
      const statuses = ['accepted', 'succeeded', 'failed', 'cancelled'] as const;
      for (let i = 0; i < 12; i++) {
        seeded.push(
          anOperation({
            tenantId: tenantL,
            status: statuses[i % 4]!,
            type: i % 3 === 0 ? 'inventory.adjust.v1' : 'order.create.v1',
            resourceType: i % 3 === 0 ? 'inventory_item' : 'order',
            resourceId: i < 4 ? 'SKU-L-1' : randomUUID(),
            createdAt: new Date(base + i * 1000),
            updatedAt: new Date(base + i * 1000),
          }),
        );
      }
      // Another tenant's operation on the same resource must never show.
      await gw.deps.orm.em.fork().insertMany(Operation, [...seeded, anOperation({ tenantId: tenantB, resourceId: 'SKU-L-1' })]);
    });

    const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((o) => o.id);
    const newestFirst = (rows: OperationRow[]) => [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((r) => r.id);

    it("lists the tenant's operations newest first, page by page with the cursor", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(keyL, `/v1/operations?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).to.equal(200);
        seen.push(...ids(res));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).to.equal(3);
      expect(seen).to.deep.equal(newestFirst(seeded));
    });

    it('filters by status, type, resourceId and createdAfter (exclusive), each alone and together', async () => {
      const cases: [string, (o: OperationRow) => boolean][] = [
        ['status=cancelled', (o) => o.status === 'cancelled'],
        ['type=inventory.adjust.v1', (o) => o.type === 'inventory.adjust.v1'],
        ['resourceId=SKU-L-1', (o) => o.resourceId === 'SKU-L-1'],
        [`createdAfter=${seeded[7]!.createdAt.toISOString()}`, (o) => o.createdAt > seeded[7]!.createdAt],
        ['status=accepted&type=inventory.adjust.v1', (o) => o.status === 'accepted' && o.type === 'inventory.adjust.v1'],
      ];
      for (const [query, keep] of cases) {
        const res = await get(keyL, `/v1/operations?limit=100&${query}`);
        expect(res.status, query).to.equal(200);
        expect(ids(res), query).to.deep.equal(newestFirst(seeded.filter(keep)));
      }
      const one = await get(keyL, '/v1/operations?status=cancelled&limit=1');
      expect(one.body.data[0]).to.include({ status: 'cancelled', done: true });
    });

    it("never shows another tenant's operations", async () => {
      const res = await get(keyB, '/v1/operations?resourceId=SKU-L-1&limit=100');
      expect(res.status).to.equal(200);
      for (const o of res.body.data as { id: string }[]) expect(seeded.map((s) => s.id)).to.not.include(o.id);
      expect(res.body.data).to.have.length(1);
    });

    it('bad filter values are a 400 problem naming the field', async () => {
      for (const [query, field] of [
        ['status=done', 'query.status'],
        ['type=order.destroy.v1', 'query.type'],
        ['resourceId=a%20b', 'query.resourceId'],
        ['createdAfter=yesterday', 'query.createdAfter'],
        ['limit=0', 'query.limit'],
        ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
        ['tenantId=other', 'query'],
      ]) {
        const res = await get(keyL, `/v1/operations?${query}`);
        expect(res.status, query).to.equal(400);
        expect(isProblem(res as never), query).to.equal(true);
        expect(
          (res.body.errors as { path: string }[]).map((e) => e.path),
          query,
        ).to.include(field);
      }
    });
  });

  it('the OpenAPI document describes the new routes with examples, errors and the retention', async () => {
    const doc = (await request(gw.url).get('/v1/openapi.json')).body;
    const list = doc.paths['/v1/operations'].get;
    expect(list['x-permission']).to.equal('operations:read');
    expect(list.description).to.match(/7 days/);
    expect(list.parameters.map((p: { name: string }) => p.name)).to.include.members(['status', 'type', 'resourceId', 'createdAfter', 'cursor', 'limit']);
    expect(list.responses['200'].content['application/json'].example.data).to.have.length(1);
    const cancel = doc.paths['/v1/operations/{id}/cancel'].post;
    expect(cancel['x-permission']).to.equal('operations:write');
    expect(Object.keys(cancel.responses)).to.include.members(['200', '400', '401', '403', '404', '409', '429']);
    expect(cancel.responses['200'].content['application/json'].example.status).to.equal('cancelled');
    const statusEnum = list.parameters.find((p: { name: string }) => p.name === 'status').schema.enum;
    expect(statusEnum).to.include('cancelled');
  });
});
