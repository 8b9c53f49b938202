import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, ownTopics, startGateway, testConfig, type RunningGateway } from '../support/platform';
import { pooled, reportFault, sleep, spawnCompiled, type ChildHandle } from '../support/faults';
import { freePort, spawnGateway } from '../support/fault-gateway';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy';
import { orderEffects, statusCounts, type OrderAnswer } from '../support/order-effects';
import { createContainer, type Deps } from '../../shared/container';

const DELAY_MS = 5_000;
const BUDGET_MS = 2_000;
/** How far past its budget an answer may come: the timer's turn of the event loop, the client's own. */
const BUDGET_SLACK_MS = 1_500;
const WARM = 100;
const SLOW = Number(process.env.FAULT_COMMANDS ?? 400);
/** Growth of the gateway's resident memory while PostgreSQL is slow that still counts as flat. */
const FLAT_RSS_MB = 64;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** One create-order command with an Idempotency-Key; a network failure is status 0 (counted, never thrown). */
async function postKeyed(url: string, apiKey: string, key: string): Promise<OrderAnswer & { retryAfter: string | null }> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': apiKey, 'Idempotency-Key': key },
      body: JSON.stringify({ customerId: key, currency: 'EUR', items: [{ sku: 'SKU-S', quantity: 1, unitPriceMinor: 100 }] }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json().catch(() => ({}))) as { id?: string; type?: string };
    return {
      status: res.status,
      id: res.status === 202 ? body.id! : null,
      contentType: res.headers.get('content-type') ?? '',
      problemType: body.type,
      ms: Date.now() - started,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    return { status: 0, id: null, contentType: '', ms: Date.now() - started, retryAfter: null };
  }
}

/**
 * Scenario 8: PostgreSQL answers after 5 s (a delaying TCP proxy in front of the real server) for
 * the compiled gateway and the compiled orders worker. The gateway must answer within its budget
 * (REQUEST_TIMEOUT_MS) with 503 problem+json + Retry-After — never hang, never 500 — and build no
 * queue (its memory stays flat: pg-pool waits at most DATABASE_ACQUIRE_TIMEOUT_MS). Once the delay
 * ends, every client that retries with its Idempotency-Key gets a 202, and every key is applied
 * exactly once (one operation, one order, one order.created), including the commands the gateway
 * had already handed to Kafka when it answered 503.
 *
 * Kafka is not proxied: its brokers advertise their own address, which a client connects to after
 * the first metadata answer; a slow broker is covered by KAFKA_REQUEST_TIMEOUT_MS (503, unit and e2e).
 */
describe('fault: slow PostgreSQL (answers after 5 s through a delaying proxy)', function () {
  this.timeout(600_000);
  let observer: RunningGateway;
  let deps: Deps;
  let proxy: DelayProxy;
  let gateway: ChildHandle;
  let worker: ChildHandle;
  let url: string;

  before(async () => {
    const own = await ownTopics();
    observer = await startGateway(own, undefined, { relay: false });
    deps = await createContainer(testConfig(own), 'fault-observer');
    const direct = new URL(testConfig(own).DATABASE_URL);
    proxy = await startDelayProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const slow = new URL(direct.toString());
    slow.hostname = '127.0.0.1';
    slow.port = String(proxy.port);
    const viaProxy = { DATABASE_URL: slow.toString(), DATABASE_ACQUIRE_TIMEOUT_MS: '1000' };
    worker = spawnCompiled('dist/workers/orders/main.js', { ...own, ...viaProxy, METRICS_PORT: '0', LOG_LEVEL: 'fatal', OUTBOX_POLL_MS: '200' });
    const port = await freePort();
    gateway = await spawnGateway(port, {
      ...own,
      ...viaProxy,
      REQUEST_TIMEOUT_MS: String(BUDGET_MS),
      REDIS_KEY_PREFIX: `fault-slow-${randomBytes(3).toString('hex')}:`,
      RATE_LIMIT_WRITE_PER_MIN: '10000000',
      RATE_LIMIT_READ_PER_MIN: '10000000',
    });
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    gateway?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await proxy?.close();
    await observer?.close();
    await deps?.close();
  });

  it('answers 503 within budget while slow, keeps memory flat, and applies every key once after', async () => {
    const apiKey = await createTenantKey(observer, 'tenant-fault-slow-pg', 'operator');
    const run = randomBytes(3).toString('hex');
    const keyOf = (i: number) => `slow-${run}-${i}`;

    const warm = await pooled(WARM, 16, (i) => postKeyed(url, apiKey, keyOf(i)));
    expect(statusCounts(warm), 'before the delay').to.equal(`202:${WARM}`);

    proxy.setDelay(DELAY_MS);
    const rssBefore = rssMb(gateway.child.pid!);
    let rssMax = rssBefore;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        rssMax = Math.max(rssMax, rssMb(gateway.child.pid!));
        await sleep(250);
      }
    })();
    const slowAnswers = await pooled(SLOW, 32, (i) => postKeyed(url, apiKey, keyOf(WARM + i)));
    sampling = false;
    await sampler;
    proxy.setDelay(0);
    const delayEndedAt = Date.now();

    // Every key retried after the delay until it is answered 202 (409: its first request still in flight).
    const keys = Array.from({ length: WARM + SLOW }, (_, i) => keyOf(i));
    const firstAnswers = [...warm, ...slowAnswers];
    const finalIds = await pooled(keys.length, 16, async (i) => {
      if (firstAnswers[i]!.status === 202) return firstAnswers[i]!.id!;
      let last: OrderAnswer | undefined;
      for (let attempt = 0; attempt < 240; attempt++) {
        last = await postKeyed(url, apiKey, keys[i]!);
        if (last.status === 202) return last.id!;
        await sleep(500);
      }
      throw new Error(
        `${keys[i]} was never answered 202 after the delay ended (first ${firstAnswers[i]!.status}, last ${last?.status} ${last?.problemType ?? ''}); gateway ${gateway.child.exitCode === null ? 'running' : `exited ${gateway.child.exitCode}`}:\n${gateway.output().slice(-3000)}`,
      );
    });
    let recoveredS = 0;
    const effects = await orderEffects(deps, [...new Set(finalIds)], () => (recoveredS = (Date.now() - delayEndedAt) / 1000));
    const ops = Number(
      (
        await deps.orm.em
          .fork()
          .getConnection()
          .execute<{ n: string }[]>(`select count(*) as n from operations where tenant_id = 'tenant-fault-slow-pg' and resource_type = 'order'`)
      )[0]!.n,
    );

    const unavailable = slowAnswers.filter((a) => a.status === 503);
    const slowest = Math.max(...slowAnswers.map((a) => a.ms));
    const summary = {
      sent: keys.length,
      accepted: new Set(finalIds).size,
      completed: effects.final,
      lost: effects.lost,
      duplicated: effects.duplicated + Math.max(0, ops - keys.length),
      recoveredS,
      repeatedEventIds: effects.repeatedEventIds,
      extra: {
        'while slow': statusCounts(slowAnswers),
        'slowest answer ms': slowest,
        'gateway RSS MB': `${rssBefore.toFixed(0)}→${rssMax.toFixed(0)}`,
      },
    };
    reportFault('slow-postgres', summary);
    expect(
      slowAnswers.filter((a) => a.status !== 202 && a.status !== 503).map((a) => `${a.status} ${a.problemType ?? ''}`),
      'answers other than 202 and 503 while slow',
    ).to.deep.equal([]);
    expect(unavailable.length, 'requests answered 503 while PostgreSQL was slow').to.be.greaterThan(SLOW / 2);
    expect(
      unavailable.filter((a) => !a.contentType.startsWith('application/problem+json') || a.retryAfter === null),
      '503 as problem+json with Retry-After',
    ).to.deep.equal([]);
    expect(slowest, `slowest answer within the budget of ${BUDGET_MS} ms`).to.be.at.most(BUDGET_MS + BUDGET_SLACK_MS);
    expect(rssMax - rssBefore, 'growth of the gateway RSS (MB) while slow').to.be.at.most(FLAT_RSS_MB);
    expect(ops, 'one operation per Idempotency-Key').to.equal(keys.length);
    expect(effects.missingRows, 'succeeded without its order row').to.equal(0);
    expect(summary.lost, 'lost').to.equal(0);
    expect(summary.duplicated, 'duplicated').to.equal(0);
    expect(effects.repeatedEventIds, 'no crash: no repeated event-id').to.equal(0);
  });
});
