import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../shared/container';
import { AuditSink } from '../../workers/audit-sink/sink';
import { createWormStore, verifyStore, type FsWormStoreConfig } from '../../workers/audit-sink/store';
import { createTenantKey, ownTopics, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../support/platform';
import { pooled, readAll, repeatBound, reportFault, sleep } from '../support/faults';
import { storedRecords } from '../support/worm-records';

const root = path.resolve(__dirname, '..', '..');
const kafka = (action: 'stop' | 'start') =>
  execFileSync('bash', [path.join(root, 'ops/infra/kafka.sh'), action], { cwd: root, stdio: 'pipe', timeout: 150_000 });

const COMMANDS = 5000;
const RESTARTS = 3;

/**
 * Scenario 3, run last of the fault tier (it stops the real broker): Kafka is stopped and started 3
 * times while 5,000 commands flow. Clients retry a 503 with the same Idempotency-Key, as the
 * Retry-After asks. While the broker is down the gateway answers 503, never 202; every 202 completes
 * once; the worker, the outbox relay and the audit sink resume without a restart of their own.
 */
describe('fault: broker restart (Kafka stopped and started ×3 during 5,000 commands)', function () {
  this.timeout(900_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  let sinkDeps: Deps;
  let sink: AuditSink;
  let store: FsWormStoreConfig;
  let own: Record<string, string>;

  before(async () => {
    own = await ownTopics();
    const timeouts = { LOG_LEVEL: 'fatal', KAFKA_REQUEST_TIMEOUT_MS: '3000', RATE_LIMIT_WRITE_PER_MIN: '10000000', RATE_LIMIT_READ_PER_MIN: '10000000' };
    gw = await startGateway({ ...own, ...timeouts });
    worker = await startWorker('orders', { ...own, ...timeouts });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-fault-broker-'));
    store = { kind: 'fs', dir: path.join(dir, 'segments'), checkpointDir: path.join(dir, 'checkpoints'), maxSegmentRecords: 500, maxSegmentAgeMs: 1000 };
    sinkDeps = await createContainer(testConfig({ ...own, ...timeouts }), 'audit-sink');
    sink = new AuditSink(sinkDeps, createWormStore(store), store);
    await sink.start();
  });
  after(async () => {
    try {
      kafka('start');
    } finally {
      await sink?.stop();
      await sinkDeps?.close();
      await worker?.close();
      await gw?.close();
    }
  });

  it('answers 503 while the broker is down, and every 202 completes once after it is back', async () => {
    const key = await createTenantKey(gw, 'tenant-fault-broker', 'operator');
    const statuses = new Map<number, number>();
    let lastRestartAt = Date.now();
    let restarts = 0;
    const chaos = (async () => {
      for (; restarts < RESTARTS;) {
        await sleep(randomInt(2000, 4000));
        kafka('stop');
        await sleep(3000);
        kafka('start');
        restarts += 1;
        lastRestartAt = Date.now();
      }
    })();
    const deadline = Date.now() + 600_000;
    const ids = await pooled(COMMANDS, 16, async (i) => {
      // A client as the contract asks: on 503 wait Retry-After and send the same request, same key.
      for (;;) {
        if (Date.now() > deadline) return null;
        const res = await fetch(`${gw.url}/v1/orders`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-API-Key': key, 'Idempotency-Key': `broker-${i}` },
          body: JSON.stringify({ customerId: `fault-${i}`, currency: 'EUR', items: [{ sku: 'SKU-B', quantity: 1, unitPriceMinor: 100 }] }),
        }).catch(() => null);
        const status = res?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (res && status === 202) return ((await res.json()) as { id: string }).id;
        await res?.text();
        await sleep(status === 503 ? Number(res?.headers.get('retry-after') ?? '1') * 1000 : 500);
      }
    });
    await chaos;
    const accepted = ids.filter((x): x is string => x !== null);
    const conn = gw.deps.orm.em.fork().getConnection();
    const list = `{${accepted.join(',')}}`;
    const final = async () =>
      Number(
        (
          await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status in ('succeeded', 'failed')`, [list])
        )[0]!.n,
      );
    await waitFor('every accepted command final', async () => (await final()) === accepted.length, 300_000);
    const recoveredS = (Date.now() - lastRestartAt) / 1000;
    await waitFor(
      'outbox drained',
      async () => Number((await conn.execute<{ n: string }[]>('select count(*) as n from outbox where published_at is null'))[0]!.n) === 0,
      120_000,
    );

    const { messages, repeatedEventIds } = await readAll(gw.deps.kafka, [gw.deps.topics.events('orders'), gw.deps.topics.audit], 120_000);
    const per = (type: string, keyOf: (m: (typeof messages)[number]) => string) => {
      const m = new Map<string, Set<string>>();
      for (const x of messages.filter((y) => y.headers['event-type'] === type))
        (m.get(keyOf(x)) ?? m.set(keyOf(x), new Set()).get(keyOf(x))!).add(x.headers['event-id']!);
      return m;
    };
    const created = per('order.created.v1', (m) => m.key);
    const accAudit = per('audit.command.accepted', (m) => m.headers['operation-id']!);
    const okAudit = per('audit.command.succeeded', (m) => m.headers['operation-id']!);
    const twice = (m: Map<string, Set<string>>) => [...m.values()].reduce((n, s) => n + Math.max(0, s.size - 1), 0);
    const rows = await conn.execute<{ id: string; resource_id: string }[]>(
      `select id, resource_id from operations where id = any(?::uuid[]) and status = 'succeeded'`,
      [list],
    );
    const missing = rows.filter((r) => !created.has(r.resource_id) || !okAudit.has(r.id) || !accAudit.has(r.id)).length;
    // The sink resumed on its own: every audit record of the topic is in the store, once.
    const auditIds = new Set(messages.filter((m) => m.topic === gw.deps.topics.audit).map((m) => m.headers['event-id']!));
    await waitFor('the sink stored every audit record', async () => new Set(storedRecords(store.dir).map((r) => r.eventId)).size >= auditIds.size, 120_000);
    const stored = storedRecords(store.dir);
    const storedTwice = stored.length - new Set(stored.map((r) => r.eventId)).size;

    const fivexx = [...statuses].filter(([s]) => s >= 500 && s !== 503).reduce((n, [, c]) => n + c, 0);
    const summary = {
      sent: COMMANDS,
      accepted: accepted.length,
      completed: rows.length,
      lost: accepted.length - rows.length + missing,
      duplicated: twice(created) + twice(okAudit) + twice(accAudit) + storedTwice,
      recoveredS,
      repeatedEventIds,
      extra: { restarts, '503s': statuses.get(503) ?? 0, 'other 5xx': fivexx },
    };
    reportFault('broker-restart', summary);
    expect(accepted.length, 'every client got its 202 in the end').to.equal(COMMANDS);
    expect(summary.lost, 'lost').to.equal(0);
    expect(summary.duplicated, 'duplicated').to.equal(0);
    expect(statuses.get(503) ?? 0, 'the gateway answered 503 while the broker was down').to.be.greaterThan(0);
    expect(fivexx, 'no 5xx but 503').to.equal(0);
    expect(repeatedEventIds, 'repeats: at most the batch in flight at each restart').to.be.at.most(repeatBound(restarts));
    const verified = await verifyStore(store);
    expect(verified.ok, JSON.stringify(verified)).to.equal(true);
  });
});
