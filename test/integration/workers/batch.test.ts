import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../../shared/container';
import { defineHandler, runWorker, type CommittedWork, type Worker } from '../../../shared/worker';
import { InventoryBalance } from '../../../workers/inventory/entities';
import { Order } from '../../../workers/orders/entities';
import { orderCreate } from '../../../workers/orders/handlers/order-create';
import { testConfig, waitFor, workerOptions } from '../../support/platform';
import { readTopic } from '../../support/commands';
import { effects, orderPayload, publishBatch, type BatchCommand } from './batch-support';

/**
 * The domain worker applies a batch of messages per partition in one transaction; a failing
 * message costs only itself. Every batch here is one produce request under one key: one partition,
 * one record batch, fetched together.
 */
describe('worker: a batch per partition in one transaction', function () {
  this.timeout(120_000);
  const tenantId = 'tenant-batch';
  let deps: Deps;
  let worker: Worker;
  const work: CommittedWork[] = [];
  let bugAttempts = 0;

  // order.create as wired, except that customer "bug" makes the handler throw an unexpected error.
  const buggyCreate = defineHandler({
    command: 'order.create.v1',
    async handle(cmd, ctx) {
      if (cmd.customerId === 'bug') {
        bugAttempts++;
        throw new TypeError('simulated bug in the handler');
      }
      return orderCreate.handle(cmd, ctx);
    },
  });

  before(async () => {
    deps = await createContainer(testConfig({ WORKER_RETRY_MAX_MS: '200' }), 'worker-orders');
    worker = await runWorker(deps, {
      domain: 'orders',
      handlers: [buggyCreate, ...workerOptions('orders', deps.config).handlers.filter((h) => h.command !== 'order.create.v1')],
      hooks: { beforeOffsetCommit: (w) => void work.push(w) },
    });
  });
  after(async () => {
    await worker?.stop();
    await deps?.close();
  });

  /** The committed units (transactions or DLQ writes) that settled these offsets, as offset lists. */
  const unitsOf = (partition: number, offsets: string[]) =>
    work
      .filter((w) => w.topic === deps.topics.commands('orders') && w.partition === partition && w.offsets.some((o) => offsets.includes(o)))
      .map((w) => w.offsets);
  const committedThrough = (partition: number, offset: string) => () =>
    Promise.resolve(work.some((w) => w.partition === partition && w.offsets.includes(offset)));

  async function expectApplied(ops: string[], orderIds: string[]) {
    const e = await effects(deps, ops, orderIds);
    for (const [i, op] of ops.entries()) {
      expect(e.status.get(op), `operation ${i}`).to.equal('succeeded');
      expect(e.inbox.get(op), `inbox row of ${i}`).to.equal(1);
      expect(e.succeededAudits.get(op), `command.succeeded audit of ${i}`).to.equal(1);
      expect(e.orders.get(orderIds[i]!), `order row of ${i}`).to.equal(1);
      expect(e.created.get(orderIds[i]!), `order.created outbox row of ${i}`).to.equal(1);
    }
  }

  for (const poison of ['an unexpected handler error', 'an undecodable value'] as const) {
    it(`${poison} in the middle of 50 commands: the 49 others applied exactly once, the poison in the DLQ`, async () => {
      const orderIds = Array.from({ length: 50 }, () => randomUUID());
      const cmds: BatchCommand[] = orderIds.map((id) => ({ type: 'order.create.v1', payload: orderPayload(id) }));
      cmds[25] =
        poison === 'an undecodable value'
          ? { type: 'order.create.v1', value: Buffer.from('definitely not avro') }
          : { type: 'order.create.v1', payload: orderPayload(orderIds[25]!, 'bug') };
      bugAttempts = 0;
      const pub = await publishBatch(deps, 'orders', randomUUID(), cmds, tenantId);
      await waitFor('the whole batch settled', committedThrough(pub.partition, pub.offsets[49]!), 60_000);

      const good = pub.operationIds.filter((_, i) => i !== 25);
      await expectApplied(
        good,
        orderIds.filter((_, i) => i !== 25),
      );
      // The poison's operation ends failed (dead-lettered) once its DLQ copy is written.
      await waitFor(
        'the poison operation finished',
        async () => (await effects(deps, [pub.operationIds[25]!], [])).status.get(pub.operationIds[25]!) === 'failed',
      );
      const e = await effects(deps, [pub.operationIds[25]!], [orderIds[25]!]);
      expect(e.orders.get(orderIds[25]!) ?? 0).to.equal(0);
      expect(e.inbox.get(pub.operationIds[25]!) ?? 0, 'nothing of the poison committed').to.equal(0);
      if (poison === 'an unexpected handler error') expect(bugAttempts, 'tries before the DLQ').to.equal(5);

      const dlq = await waitFor('poison in DLQ', async () =>
        (await readTopic(deps.kafka, deps.topics.dlq('orders'))).find((m) => m.headers['operation-id'] === pub.operationIds[25]),
      );
      expect(dlq.headers['dlq-original-offset']).to.equal(pub.offsets[25]);
      expect(dlq.headers['dlq-original-partition']).to.equal(String(pub.partition));
      expect(dlq.headers['dlq-reason']).to.match(poison === 'an undecodable value' ? /undecodable|poison|magic/i : /simulated bug/);

      // Batching really happened, and the poison cost only itself: it was settled alone.
      const units = unitsOf(pub.partition, pub.offsets);
      expect(Math.max(...units.map((u) => u.length)), JSON.stringify(units)).to.be.at.least(20);
      expect(units.find((u) => u.includes(pub.offsets[25]!))).to.deep.equal([pub.offsets[25]]);
      expect(
        units
          .flat()
          .filter((o) => pub.offsets.includes(o))
          .sort(),
        'each offset settled once',
      ).to.deep.equal([...pub.offsets].sort());
    });
  }

  it('a domain rule violation inside a batch fails only its operation; later commands see earlier ones of the batch', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const filler = Array.from({ length: 10 }, () => randomUUID());
    const cmds: BatchCommand[] = [
      { type: 'order.create.v1', payload: orderPayload(a) },
      { type: 'order.create.v1', payload: orderPayload(b) },
      ...filler.slice(0, 5).map((id) => ({ type: 'order.create.v1', payload: orderPayload(id) })),
      // pending → confirmed is legal (and needs order a, made earlier in this very transaction)
      { type: 'order.transition.v1', payload: { orderId: a, to: 'confirmed', reason: null } },
      // pending → delivered is not
      { type: 'order.transition.v1', payload: { orderId: b, to: 'delivered', reason: null } },
      ...filler.slice(5).map((id) => ({ type: 'order.create.v1', payload: orderPayload(id) })),
      { type: 'order.create.v1', payload: orderPayload(c) },
    ];
    const pub = await publishBatch(deps, 'orders', randomUUID(), cmds, tenantId);
    await waitFor('the whole batch settled', committedThrough(pub.partition, pub.offsets.at(-1)!), 60_000);
    const e = await effects(deps, pub.operationIds, []);
    const failedIndex = 8;
    pub.operationIds.forEach((op, i) => expect(e.status.get(op), `operation ${i}`).to.equal(i === failedIndex ? 'failed' : 'succeeded'));
    const em = deps.orm.em.fork();
    expect((await em.findOneOrFail(Order, { id: a })).status).to.equal('confirmed');
    expect((await em.findOneOrFail(Order, { id: b })).status, 'the refused command changed nothing').to.equal('pending');
    expect(await em.count(Order, { id: { $in: [a, b, c, ...filler] } })).to.equal(13);
    const [failedAudit] = await em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from outbox where headers->>'event-type' = 'audit.command.failed' and headers->>'operation-id' = ?`, [
        pub.operationIds[failedIndex],
      ]);
    expect(Number(failedAudit!.n)).to.equal(1);
    const units = unitsOf(pub.partition, pub.offsets);
    expect(units.find((u) => u.includes(pub.offsets[failedIndex]!))).to.deep.equal([pub.offsets[failedIndex]]);
  });

  it('a batch of N new orders costs one inbox claim, one operation upsert, one outbox insert and the handlers’ own statements', async () => {
    const seen: string[] = [];
    const original = deps.orm.config.get('onQuery');
    deps.orm.config.set('onQuery', (sql: string, params: readonly unknown[]) => {
      seen.push(sql);
      return original(sql, params);
    });
    try {
      const orderIds = Array.from({ length: 60 }, () => randomUUID());
      const pub = await publishBatch(
        deps,
        'orders',
        randomUUID(),
        orderIds.map((id) => ({ type: 'order.create.v1', payload: orderPayload(id) })),
        tenantId,
      );
      await waitFor('batch settled', committedThrough(pub.partition, pub.offsets.at(-1)!), 30_000);
      expect(unitsOf(pub.partition, pub.offsets), 'one transaction').to.deep.equal([pub.offsets]);
      // statements are schema-qualified: insert into "<schema>"."inbox" …; BEGIN and COMMIT do not pass through onQuery
      const count = (re: RegExp) => seen.filter((s) => re.test(s.replace(/"[^"]+"\.("[a-z_]+")/g, '$1'))).length;
      expect(count(/^insert into "inbox"/i), 'inbox claims').to.equal(1);
      expect(count(/^insert into "operations"/i), 'operation upserts').to.equal(1);
      expect(count(/^insert into "outbox"/i), 'outbox inserts (180 rows)').to.equal(1);
      // order.create looks its id up and inserts the order: per message, what the handler itself needs.
      expect(count(/^insert into "orders"/i), 'order inserts').to.equal(60);
      expect(count(/^select .* from "orders"/i), 'order lookups').to.equal(60);
    } finally {
      deps.orm.config.set('onQuery', original);
    }
  });

  it('the same command twice in one batch has one effect', async () => {
    const orderId = randomUUID();
    const operationId = randomUUID();
    const cmds: BatchCommand[] = [
      { type: 'order.create.v1', payload: orderPayload(orderId), operationId },
      { type: 'order.create.v1', payload: orderPayload(randomUUID()) },
      { type: 'order.create.v1', payload: orderPayload(orderId), operationId },
    ];
    const pub = await publishBatch(deps, 'orders', randomUUID(), cmds, tenantId);
    await waitFor('batch settled', committedThrough(pub.partition, pub.offsets[2]!), 30_000);
    await expectApplied([operationId], [orderId]);
  });
});

describe('worker: handlers in one batch read what earlier ones wrote (inventory)', function () {
  this.timeout(60_000);
  let deps: Deps;
  let worker: Worker;

  before(async () => {
    deps = await createContainer(testConfig(), 'worker-inventory');
    worker = await runWorker(deps, { domain: 'inventory', handlers: workerOptions('inventory', deps.config).handlers });
  });
  after(async () => {
    await worker?.stop();
    await deps?.close();
  });

  it('several adjustments of one balance in one batch add up (no lost update)', async () => {
    const sku = `B-${randomUUID().slice(0, 8)}`;
    const deltas = [5, 7, -2, 10, -4, 3];
    const pub = await publishBatch(
      deps,
      'inventory',
      sku,
      [
        { type: 'inventory.item.create.v1', payload: { sku, name: 'batch item', description: null } },
        ...deltas.map((delta) => ({ type: 'inventory.adjust.v1', payload: { sku, locationId: 'main', delta, reason: 'count' } })),
      ],
      'tenant-batch',
    );
    const conn = deps.orm.em.fork().getConnection();
    await waitFor(
      'all applied',
      async () => {
        const [r] = await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status = 'succeeded'`, [
          `{${pub.operationIds.join(',')}}`,
        ]);
        return Number(r!.n) === pub.operationIds.length;
      },
      30_000,
    );
    const balance = await deps.orm.em.fork().findOneOrFail(InventoryBalance, { tenantId: 'tenant-batch', sku, locationId: 'main' });
    expect(balance.onHand).to.equal(deltas.reduce((a, b) => a + b, 0));
  });
});
