import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, ownTopics, startGateway, testConfig, waitFor, type RunningGateway } from '../support/platform';
import { pooled, repeatBound, reportFault, sleep, spawnCompiled, type ChildHandle } from '../support/faults';
import { countOrderEffects } from '../support/order-effects';
import { createContainer, type Deps } from '../../shared/container';

const COMMANDS = 10_000;
const KILLS = 20;

/**
 * Scenario 1: the compiled orders worker is SIGKILLed at random moments, 20 times, while 10,000
 * `POST /v1/orders` flow through a real gateway. Every 202 must reach a final operation state, each
 * create must have exactly one order row, one `order.created` and one `command.succeeded`; a repeated
 * event-id (a batch republished after a kill) is counted, not hidden.
 */
describe('fault: worker crash (SIGKILL ×20 during 10,000 commands)', function () {
  this.timeout(600_000);
  let gw: RunningGateway;
  let deps: Deps;
  let worker: ChildHandle;
  let own: Record<string, string>;

  const startWorker = () => spawnCompiled('dist/workers/orders/main.js', { ...own, METRICS_PORT: '0', LOG_LEVEL: 'error', OUTBOX_POLL_MS: '200' });

  before(async () => {
    own = await ownTopics();
    gw = await startGateway({ ...own, RATE_LIMIT_WRITE_PER_MIN: '10000000', RATE_LIMIT_READ_PER_MIN: '10000000' });
    deps = await createContainer(testConfig(own), 'fault-observer');
    worker = startWorker();
  });
  after(async () => {
    worker?.child.kill('SIGKILL');
    await gw?.close();
    await deps?.close();
  });

  it('loses nothing and applies nothing twice', async () => {
    const key = await createTenantKey(gw, 'tenant-fault-worker', 'operator');
    let kills = 0;
    let lastKillAt = Date.now();
    let loadDone = false;
    const chaos = (async () => {
      while (kills < KILLS) {
        await sleep(randomInt(300, 2500));
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills += 1;
        lastKillAt = Date.now();
        worker = startWorker();
        // Once the load is over, keep killing while there is a backlog: the kills must hit work in flight.
        if (loadDone) await sleep(randomInt(500, 1500));
      }
    })();
    const results = await pooled(COMMANDS, 32, async (i) => {
      const res = await fetch(`${gw.url}/v1/orders`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
        body: JSON.stringify({ customerId: `fault-${i}`, currency: 'EUR', items: [{ sku: 'SKU-F', quantity: 1, unitPriceMinor: 100 }] }),
      });
      const body = (await res.json()) as { id?: string };
      return res.status === 202 ? body.id! : null;
    });
    loadDone = true;
    await chaos;
    const accepted = results.filter((x): x is string => x !== null);

    const conn = deps.orm.em.fork().getConnection();
    const finals = async () =>
      Number(
        (
          await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status in ('succeeded', 'failed')`, [
            `{${accepted.join(',')}}`,
          ])
        )[0]!.n,
      );
    // As an orchestrator would: a worker that died on its own (e.g. it failed to join the group while
    // the killed members' sessions were still open) is started again; counted, not hidden.
    let supervisorRestarts = 0;
    const supervisor = setInterval(() => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
        supervisorRestarts += 1;
        worker = startWorker();
      }
    }, 1000);
    try {
      await waitFor('every accepted command final', async () => (await finals()) === accepted.length, 300_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${await finals()} of ${accepted.length} final; worker output: ${worker.output().slice(-3000)}`, {
        cause: err,
      });
    } finally {
      clearInterval(supervisor);
    }
    const recoveredS = (Date.now() - lastKillAt) / 1000;
    const effects = await countOrderEffects(deps, accepted);
    const summary = {
      sent: COMMANDS,
      accepted: accepted.length,
      completed: effects.final,
      lost: effects.lost,
      duplicated: effects.duplicated,
      recoveredS,
      repeatedEventIds: effects.repeatedEventIds,
      extra: { kills, 'restarted after exiting on its own': supervisorRestarts },
    };
    reportFault('worker-crash', summary);
    expect(accepted.length, 'every request accepted (the gateway was not under fault)').to.equal(COMMANDS);
    expect(summary.lost, 'lost').to.equal(0);
    expect(summary.duplicated, 'duplicated').to.equal(0);
    expect(effects.missingRows, 'succeeded without its order row').to.equal(0);
    expect(effects.succeeded).to.equal(accepted.length);
    expect(effects.repeatedEventIds, 'repeats: at most the batch in flight at each kill').to.be.at.most(repeatBound(kills));
  });
});
