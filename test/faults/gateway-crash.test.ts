import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, ownTopics, startGateway, testConfig, waitFor, type RunningGateway } from '../support/platform';
import { pooled, readAll, reportFault, sleep, spawnCompiled, type ChildHandle } from '../support/faults';
import { freePort, spawnGateway } from '../support/fault-gateway';
import { createContainer, type Deps } from '../../shared/container';

const COMMANDS = 3_000;
const KILLS = 5;
/** How long a client keeps retrying one key (the kills are over long before). */
const RETRY_FOR_MS = 150_000;

/**
 * Scenario 2: the compiled gateway is SIGKILLed 5 times while 3,000 clients POST /v1/orders, each
 * with an Idempotency-Key of its own; a client whose request got no answer (connection reset or
 * refused, 5xx, 409 "still being processed") retries with the same key until it gets one. A kill can
 * land anywhere: before the key is claimed, between the claim and the publication, between the
 * broker's acknowledgement and the operation+audit statement, before the key's answer is stored.
 * Each key must end with exactly one operation, applied once (one order, one order.created, one
 * command.succeeded), and every accepted command with exactly one command.accepted audit record.
 */
describe('fault: gateway crash (SIGKILL ×5 under load, retries with the same Idempotency-Key)', function () {
  this.timeout(600_000);
  let observer: RunningGateway;
  let deps: Deps;
  let gateway: ChildHandle | undefined;
  let worker: ChildHandle;
  let own: Record<string, string>;
  let port: number;
  let gwEnv: Record<string, string>;

  before(async () => {
    own = await ownTopics();
    // In-process, only to make the tenant's key; the load goes to the compiled gateway.
    observer = await startGateway(own, undefined, { relay: false });
    deps = await createContainer(testConfig(own), 'fault-observer');
    worker = spawnCompiled('dist/workers/orders/main.js', { ...own, METRICS_PORT: '0', LOG_LEVEL: 'error', OUTBOX_POLL_MS: '200' });
    port = await freePort();
    gwEnv = {
      ...own,
      REDIS_KEY_PREFIX: `fault-gw-${randomBytes(3).toString('hex')}:`,
      RATE_LIMIT_WRITE_PER_MIN: '10000000',
      RATE_LIMIT_READ_PER_MIN: '10000000',
    };
    gateway = await spawnGateway(port, gwEnv);
  });
  after(async () => {
    gateway?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await observer?.close();
    await deps?.close();
  });

  it('gives each key one operation, applied once, accepted and audited once', async () => {
    const key = await createTenantKey(observer, 'tenant-fault-gateway', 'operator');
    const run = randomBytes(3).toString('hex');
    const url = `http://127.0.0.1:${port}/v1/orders`;
    let kills = 0;
    let lastKillAt = Date.now();
    const chaos = (async () => {
      while (kills < KILLS) {
        await sleep(randomInt(400, 1500));
        gateway!.child.kill('SIGKILL');
        await gateway!.exited;
        kills += 1;
        lastKillAt = Date.now();
        gateway = undefined;
        gateway = await spawnGateway(port, gwEnv);
      }
    })();
    const statuses = new Map<string, number>();
    const note = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
    let retried = 0;
    let waitedOnClaim = 0;
    const answers = await pooled(COMMANDS, 32, async (i) => {
      const idempotencyKey = `gwc-${run}-${i}`;
      const body = JSON.stringify({ customerId: idempotencyKey, currency: 'EUR', items: [{ sku: 'SKU-G', quantity: 1, unitPriceMinor: 100 }] });
      const deadline = Date.now() + RETRY_FOR_MS;
      let saw409 = false;
      for (let attempt = 0; Date.now() < deadline; attempt++) {
        if (attempt === 1) retried += 1;
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-API-Key': key, 'Idempotency-Key': idempotencyKey },
            body,
            signal: AbortSignal.timeout(20_000),
          });
          const answer = (await res.json()) as { id?: string };
          note(String(res.status));
          if (res.status === 202) return { idempotencyKey, id: answer.id!, attempts: attempt + 1 };
          // 409: a dead gateway's claim, answered only once it is old enough to be resumed.
          if (res.status === 409 && !saw409) {
            saw409 = true;
            waitedOnClaim += 1;
          }
          // Anything but "not now" is a wrong answer: the test must be able to fail on it.
          if (![409, 429, 500, 502, 503].includes(res.status)) throw new Error(`${idempotencyKey}: unexpected ${res.status} ${JSON.stringify(answer)}`);
        } catch (err) {
          if (err instanceof Error && err.message.startsWith(idempotencyKey)) throw err;
          note('no answer');
        }
        await sleep(randomInt(200, 600));
      }
      return { idempotencyKey, id: null, attempts: -1 };
    });
    await chaos;
    const answered = answers.filter((a) => a.id !== null);
    const ids = answered.map((a) => a.id!);

    const conn = deps.orm.em.fork().getConnection();
    await waitFor(
      'every answered operation final',
      async () =>
        Number(
          (
            await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status in ('succeeded', 'failed')`, [
              `{${ids.join(',')}}`,
            ])
          )[0]!.n,
        ) === ids.length,
      180_000,
    );
    const recoveredS = (Date.now() - lastKillAt) / 1000;
    await waitFor(
      'outbox drained',
      async () => Number((await conn.execute<{ n: string }[]>('select count(*) as n from outbox where published_at is null'))[0]!.n) === 0,
      120_000,
    );
    // Every operation of the tenant, also one a client never heard of (a second operation for a key).
    const ops = await conn.execute<{ id: string; status: string; resource_id: string | null }[]>(
      `select id, status, resource_id from operations where tenant_id = 'tenant-fault-gateway'`,
    );
    const orders = await conn.execute<{ id: string; customer_id: string }[]>(`select id::text, customer_id from orders where customer_id like ?`, [
      `gwc-${run}-%`,
    ]);
    const ordersPerKey = new Map<string, number>();
    for (const o of orders) ordersPerKey.set(o.customer_id, (ordersPerKey.get(o.customer_id) ?? 0) + 1);
    const stuck = Number(
      (await conn.execute<{ n: string }[]>(`select count(*) as n from idempotency_keys where key like ? and status_code is null`, [`gwc-${run}-%`]))[0]!.n,
    );

    const { messages, repeatedEventIds } = await readAll(deps.kafka, [deps.topics.events('orders'), deps.topics.audit], 120_000);
    const byOp = (type: string) => {
      const m = new Map<string, Set<string>>();
      for (const msg of messages)
        if (msg.headers['event-type'] === type) {
          const k = type === 'order.created.v1' ? msg.key : msg.headers['operation-id']!;
          (m.get(k) ?? m.set(k, new Set()).get(k)!).add(msg.headers['event-id']!);
        }
      return m;
    };
    const created = byOp('order.created.v1');
    const succeededAudit = byOp('audit.command.succeeded');
    const acceptedAudit = byOp('audit.command.accepted');
    const twice = (m: Map<string, Set<string>>) => [...m.values()].reduce((n, s) => n + Math.max(0, s.size - 1), 0);

    const opById = new Map(ops.map((o) => [o.id, o]));
    const unanswered = answers.length - answered.length;
    const notFinal = ids.filter((id) => !['succeeded', 'failed'].includes(opById.get(id)?.status ?? '')).length;
    const noOrder = answered.filter((a) => (ordersPerKey.get(a.idempotencyKey) ?? 0) === 0).length;
    const answeredWrongOrder = answered.filter((a) => {
      const op = opById.get(a.id!);
      return op?.resource_id && !orders.some((o) => o.id === op.resource_id && o.customer_id === a.idempotencyKey);
    }).length;
    const missingCreated = ops.filter((o) => o.status === 'succeeded' && !created.has(o.resource_id!)).length;
    const missingSucceeded = ops.filter((o) => o.status === 'succeeded' && !succeededAudit.has(o.id)).length;
    const missingAccepted = ops.filter((o) => !acceptedAudit.has(o.id)).length;
    const extraOrders = [...ordersPerKey.values()].reduce((n, c) => n + (c - 1), 0);
    const extraOps = ops.length - answered.length;
    const duplicated = extraOrders + Math.max(0, extraOps) + twice(created) + twice(succeededAudit) + twice(acceptedAudit);
    const lost = unanswered + notFinal + noOrder + answeredWrongOrder + missingCreated + missingSucceeded + missingAccepted;
    const summary = {
      sent: COMMANDS,
      accepted: answered.length,
      completed: ops.filter((o) => o.status === 'succeeded' || o.status === 'failed').length,
      lost,
      duplicated,
      recoveredS,
      repeatedEventIds,
      extra: {
        kills,
        'clients that retried': retried,
        'stuck keys': stuck,
        'keys resumed after a dead claim': waitedOnClaim,
        'missing command.accepted': missingAccepted,
        answers: [...statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' '),
      },
    };
    reportFault('gateway-crash', summary);
    expect(unanswered, 'clients left without an answer').to.equal(0);
    expect(stuck, 'idempotency keys left in flight').to.equal(0);
    expect(missingAccepted, 'operations without a command.accepted audit record').to.equal(0);
    expect(summary.lost, 'lost').to.equal(0);
    expect(summary.duplicated, 'duplicated').to.equal(0);
  });
});
