import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../shared/container';
import { defineHandler, startWorkerHost, type WorkerHost } from '../../shared/worker';
import { DOMAIN_WORKERS } from '../../workers/domains';
import { orderCreate } from '../../workers/orders/handlers/order-create';
import { replayDlq } from '../../ops/cli/dlq';
import { ownTopics, testConfig, waitFor } from '../support/platform';
import { readAll, reportFault } from '../support/faults';
import { orderPayload, publishBatch, type BatchCommand } from '../integration/workers/batch-support';

const BATCHES = 40;
const PER_BATCH = 50;

/**
 * Scenario 6: 2,000 commands in 40 record batches, 1 % undecodable and 1 % hitting a handler bug
 * (customer "bug-…": an unexpected TypeError, dead-lettered after its retries), 1 % breaking a
 * business rule (a transition of an order that does not exist: a final `failed`, no dead letter).
 * Every dead letter is in the DLQ with its reason and its operation `failed`; every other command of
 * the partition is applied once; the group's lag returns to 0. Then the bug is "fixed" (the worker
 * restarted with the real handler) and `stateset dlq replay` re-submits the dead letters: a dry run
 * first (nothing sent), then the replay, each audited; the bug's commands now succeed, once.
 */
describe('fault: poison messages inside batches, then `stateset dlq replay` after the fix', function () {
  this.timeout(600_000);
  let deps: Deps;
  let host: WorkerHost | null = null;
  let own: Record<string, string>;

  const buggy = defineHandler({
    command: 'order.create.v1',
    async handle(cmd, ctx) {
      if (cmd.customerId.startsWith('bug-')) throw new TypeError('simulated bug in the handler');
      return orderCreate.handle(cmd, ctx);
    },
  });
  const start = async (withBug: boolean) => {
    const options = (c: Parameters<(typeof DOMAIN_WORKERS)['orders']['options']>[0]) => {
      const o = DOMAIN_WORKERS.orders.options(c);
      return withBug ? { ...o, handlers: [buggy, ...o.handlers.filter((h) => h.command !== 'order.create.v1')] } : o;
    };
    host = await startWorkerHost(deps, [{ domain: 'orders', options }]);
  };

  before(async () => {
    own = await ownTopics();
    deps = await createContainer(testConfig({ ...own, WORKER_RETRY_MAX_MS: '100', OUTBOX_POLL_MS: '200', LOG_LEVEL: 'fatal' }), 'worker-orders');
    await start(true);
  });
  after(async () => {
    await host?.stop();
    await deps?.close();
  });

  it('dead-letters only the poison, applies the rest once, and replays the fixed ones once', async () => {
    const started = Date.now();
    const tenantId = 'tenant-fault-poison';
    const kinds = new Map<string, 'ok' | 'undecodable' | 'bug' | 'rule'>();
    const orderOf = new Map<string, string>();
    for (let b = 0; b < BATCHES; b++) {
      const cmds: BatchCommand[] = [];
      const kindsOfBatch: ('ok' | 'undecodable' | 'bug' | 'rule')[] = [];
      for (let i = 0; i < PER_BATCH; i++) {
        const n = b * PER_BATCH + i;
        const orderId = randomUUID();
        const kind = n % 100 === 7 ? 'undecodable' : n % 100 === 37 ? 'bug' : n % 100 === 67 ? 'rule' : 'ok';
        kindsOfBatch.push(kind);
        if (kind === 'undecodable') cmds.push({ type: 'order.create.v1', value: Buffer.from('definitely not avro') });
        else if (kind === 'rule') cmds.push({ type: 'order.transition.v1', payload: { orderId, to: 'delivered', reason: null } });
        else cmds.push({ type: 'order.create.v1', payload: orderPayload(orderId, kind === 'bug' ? `bug-${n}` : `c-${n}`) });
        if (kind === 'ok' || kind === 'bug') orderOf.set(String(n), orderId);
      }
      const pub = await publishBatch(deps, 'orders', `poison-${b}`, cmds, tenantId);
      pub.operationIds.forEach((op, i) => {
        kinds.set(op, kindsOfBatch[i]!);
        const order = orderOf.get(String(b * PER_BATCH + i));
        if (order) orderOf.set(op, order);
      });
    }
    const ops = [...kinds.keys()];
    const conn = deps.orm.em.fork().getConnection();
    const status = async () =>
      new Map(
        (
          await conn.execute<{ id: string; status: string; error: { type?: string } | null }[]>(
            `select id, status, error from operations where id = any(?::uuid[])`,
            [`{${ops.join(',')}}`],
          )
        ).map((r) => [r.id, r] as const),
      );
    await waitFor(
      'every operation final',
      async () => [...(await status()).values()].filter((r) => r.status === 'succeeded' || r.status === 'failed').length === ops.length,
      300_000,
    );
    const lag = async () => {
      const admin = deps.kafka.admin();
      await admin.connect();
      try {
        const topic = deps.topics.commands('orders');
        const highs = await admin.fetchTopicOffsets(topic);
        const [c] = await admin.fetchOffsets({ groupId: `${own.KAFKA_TOPIC_PREFIX}stateset.worker.orders`, topics: [topic] });
        return highs.reduce((n, h) => n + Number(h.high) - Number(c?.partitions.find((p) => p.partition === h.partition)?.offset ?? '0'), 0);
      } finally {
        await admin.disconnect();
      }
    };
    await waitFor('lag back to 0', async () => (await lag()) === 0, 120_000);
    const settled = await status();
    const deadType = 'https://stateset.io/problems/dead-lettered';
    const wrong = ops.filter((op) => {
      const r = settled.get(op)!;
      const k = kinds.get(op);
      if (k === 'ok') return r.status !== 'succeeded';
      if (k === 'rule') return r.status !== 'failed' || r.error?.type === deadType;
      return r.status !== 'failed' || r.error?.type !== deadType;
    });
    expect(wrong, 'each command ends as its kind says').to.deep.equal([]);
    const { messages: dlq } = await readAll(deps.kafka, [deps.topics.dlq('orders')], 60_000);
    const dead = ops.filter((op) => kinds.get(op) === 'undecodable' || kinds.get(op) === 'bug');
    expect(dlq.map((m) => m.headers['operation-id']).sort(), 'exactly the poison is dead-lettered').to.deep.equal([...dead].sort());
    expect(
      dlq.every((m) => /undecodable|simulated bug/.test(m.headers['dlq-reason'] ?? '')),
      'each with its reason',
    ).to.equal(true);

    // The fix: the worker runs the real handler again. A dry run first: it lists, sends nothing.
    await host!.stop();
    await start(false);
    const dry = await replayDlq(deps, 'orders', { dryRun: true, operator: 'cli:test' });
    expect(dry.letters).to.have.length(dead.length);
    expect(dry.replayed).to.equal(0);
    const progress: number[] = [];
    const replay = await replayDlq(deps, 'orders', { dryRun: false, operator: 'cli:test', onProgress: (done) => progress.push(done) });
    expect(replay.replayed).to.equal(dead.length);
    expect(progress.at(-1)).to.equal(dead.length);
    const bugs = ops.filter((op) => kinds.get(op) === 'bug');
    const undecodable = ops.filter((op) => kinds.get(op) === 'undecodable');
    // No fix makes garbage decodable: those come back to the DLQ, and the next dry run lists only them
    // (each earlier dead letter was replayed once: the cursor is past it).
    await waitFor(
      'the undecodable ones dead-lettered again',
      async () => (await readAll(deps.kafka, [deps.topics.dlq('orders')], 60_000)).messages.length === dead.length + undecodable.length,
      120_000,
    );
    const again = await replayDlq(deps, 'orders', { dryRun: true, operator: 'cli:test' });
    expect(again.letters.map((l) => l.operationId).sort()).to.deep.equal([...undecodable].sort());
    await waitFor(
      'the fixed commands succeeded',
      async () => {
        const s = await status();
        return bugs.every((op) => s.get(op)!.status === 'succeeded');
      },
      120_000,
    );
    await waitFor(
      'outbox drained',
      async () => Number((await conn.execute<{ n: string }[]>('select count(*) as n from outbox where published_at is null'))[0]!.n) === 0,
      60_000,
    );

    const { messages, repeatedEventIds } = await readAll(deps.kafka, [deps.topics.events('orders'), deps.topics.audit], 120_000);
    const created = new Map<string, Set<string>>();
    for (const m of messages.filter((x) => x.headers['event-type'] === 'order.created.v1'))
      (created.get(m.key) ?? created.set(m.key, new Set()).get(m.key)!).add(m.headers['event-id']!);
    const applied = ops.filter((op) => kinds.get(op) === 'ok' || kinds.get(op) === 'bug');
    const lost =
      applied.filter((op) => !created.has(orderOf.get(op)!)).length +
      ops.filter((op) => kinds.get(op) === 'undecodable' && settled.get(op)!.status !== 'failed').length;
    const duplicated = [...created.values()].reduce((n, s) => n + Math.max(0, s.size - 1), 0);
    const replayAudits = messages.filter((m) => m.headers['event-type'] === 'audit.dlq.replayed').length;
    reportFault('poison-messages', {
      sent: ops.length,
      accepted: ops.length,
      completed: [...(await status()).values()].filter((r) => r.status === 'succeeded' || r.status === 'failed').length,
      lost,
      duplicated,
      recoveredS: (Date.now() - started) / 1000,
      repeatedEventIds,
      extra: {
        'dead-lettered': dead.length,
        replayed: replay.replayed,
        'replay audits': replayAudits,
        'rule refusals': ops.filter((op) => kinds.get(op) === 'rule').length,
      },
    });
    expect(lost, 'lost').to.equal(0);
    expect(duplicated, 'duplicated').to.equal(0);
    expect(replayAudits, 'each replay audited').to.equal(dead.length);
    expect(repeatedEventIds, 'no crash here: no repeated event-id').to.equal(0);
  });
});
