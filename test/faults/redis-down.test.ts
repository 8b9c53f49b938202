import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { Operation } from '../../shared/orm';
import { createTenantKey, ownTopics, startGateway, waitFor, type RunningGateway } from '../support/platform';
import { reportFault, sleep } from '../support/faults';

const LIMIT = 20;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis of this test's own (the machine's shared one must not be stopped): killed and started again. */
function startRedis(port: number): ChildProcess {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  child.once('error', (err) => {
    throw new Error(`redis-server could not start (the machine's Redis package provides it): ${err.message}`);
  });
  return child;
}

/**
 * Scenario 5: the gateway's Redis dies and comes back. The write limit holds throughout: with Redis up
 * exactly LIMIT writes a window are admitted; while it is down every write is refused `503` +
 * Retry-After (RATE_LIMIT_REDIS_DOWN_WRITES=fail-closed, the default) and none admitted; once it is
 * back, limiting (202 or 429, no more 503) resumes within 5 s.
 */
describe('fault: Redis down (the rate limiter fails closed for writes, then resumes)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let redis: ChildProcess;
  let port: number;

  before(async () => {
    port = await freePort();
    redis = startRedis(port);
    await sleep(300);
    const own = await ownTopics();
    gw = await startGateway({
      ...own,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_WRITE_PER_MIN: String(LIMIT),
      RATE_LIMIT_TENANT_WRITE_PER_MIN: '100000',
    });
    await waitFor('the gateway connected to its Redis', async () => (await gw.deps.redis.ping().catch(() => '')) === 'PONG', 10_000);
  });
  after(async () => {
    redis?.kill('SIGKILL');
    await gw?.close();
  });

  it('admits nothing past the limit, refuses writes while Redis is down, and limits again within 5 s', async () => {
    const key = await createTenantKey(gw, 'tenant-fault-redis', 'operator');
    const write = async (i: number) => {
      const res = await fetch(`${gw.url}/v1/orders`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
        body: JSON.stringify({ customerId: `redis-${i}`, currency: 'EUR', items: [{ sku: 'SKU-R', quantity: 1, unitPriceMinor: 100 }] }),
      });
      const body = (await res.json()) as { id?: string };
      return {
        status: res.status,
        id: res.status === 202 ? body.id : undefined,
        retryAfter: res.headers.get('retry-after'),
        type: res.headers.get('content-type'),
      };
    };
    let sent = 0;
    const accepted: string[] = [];
    const count = (rs: Awaited<ReturnType<typeof write>>[]) => {
      sent += rs.length;
      for (const r of rs) if (r.id) accepted.push(r.id);
      return rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    };

    const up: Awaited<ReturnType<typeof write>>[] = [];
    for (let i = 0; i < LIMIT + 10; i++) up.push(await write(i));
    expect(count(up), 'Redis up: exactly the limit admitted').to.deep.equal({ 202: LIMIT, 429: 10 });

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await sleep(500); // past any rate-limit lease (RATE_LIMIT_LEASE_MS, 250 ms)
    const down: Awaited<ReturnType<typeof write>>[] = [];
    for (let i = 0; i < 20; i++) down.push(await write(100 + i));
    expect(count(down), 'Redis down: every write refused, none admitted').to.deep.equal({ 503: 20 });
    expect(down.every((r) => r.retryAfter !== null && /problem\+json/.test(r.type ?? ''))).to.equal(true);

    const back = Date.now();
    redis = startRedis(port);
    let resumedS = Number.NaN;
    for (let i = 0; Date.now() - back < 10_000; i++) {
      const r = await write(200 + i);
      count([r]);
      if (r.status === 202 || r.status === 429) {
        resumedS = (Date.now() - back) / 1000;
        break;
      }
      await sleep(100);
    }
    // The restarted Redis holds no counts (no persistence): a fresh window, still never past the limit.
    const after: Awaited<ReturnType<typeof write>>[] = [];
    for (let i = 0; i < LIMIT + 5; i++) after.push(await write(300 + i));
    const afterCounts = count(after);
    const found = await gw.deps.orm.em.fork().count(Operation, { id: { $in: accepted } });
    reportFault('redis-down', {
      sent,
      accepted: accepted.length,
      completed: found,
      lost: accepted.length - found,
      duplicated: accepted.length - new Set(accepted).size,
      recoveredS: resumedS,
      extra: { limit: LIMIT, 'admitted while down': down.filter((r) => r.status === 202).length, 'admitted after restart': afterCounts[202] ?? 0 },
    });
    expect(resumedS, 'limiting resumed within 5 s of Redis returning').to.be.at.most(5);
    expect(afterCounts[202] ?? 0, 'after the restart: never past the limit').to.be.at.most(LIMIT);
    expect(afterCounts[503] ?? 0, 'after the restart: no 503').to.equal(0);
    expect(found).to.equal(accepted.length);
  });
});
