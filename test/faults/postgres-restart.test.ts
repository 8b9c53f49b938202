import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, ownTopics, startGateway, testConfig, type RunningGateway } from '../support/platform';
import { bounded, pooled, reportFault, sleep, spawnCompiled, type ChildHandle } from '../support/faults';
import { orderEffects, postOrder, statusCounts, type OrderAnswer } from '../support/order-effects';
import { createContainer, type Deps } from '../../shared/container';

/** FAULT_COMMANDS / FAULT_WORKER_LOG_LEVEL: a smaller, more talkative run while investigating. */
const COMMANDS = Number(process.env.FAULT_COMMANDS ?? 3_000);
const RESTARTS = 3;
/** How long one "restart" lasts: every connection of the scenario is terminated as soon as it shows up. */
const OUTAGE_MS = 1_500;

/**
 * Scenario 4: PostgreSQL "restarts" 3 times while commands flow through a gateway and a compiled
 * orders worker. A restart is played by terminating the backends of this scenario's processes only
 * (they carry an application_name of their own; the shared server and everyone else's connections
 * are left alone), again and again for OUTAGE_MS, so reconnects fail too, as during a real restart.
 * The gateway must answer 503 problem+json, never 500; the worker must pause and resume (not exit);
 * every 202 completes exactly once and no operation succeeds without its order row.
 */
describe('fault: PostgreSQL restart (backends terminated ×3 during commands)', function () {
  this.timeout(600_000);
  const app = `fault-pg-${randomBytes(4).toString('hex')}`;
  let gw: RunningGateway;
  let deps: Deps;
  let worker: ChildHandle;
  let own: Record<string, string>;

  before(async () => {
    own = await ownTopics();
    gw = await startGateway({
      ...own,
      LOG_LEVEL: process.env.FAULT_GATEWAY_LOG_LEVEL ?? 'fatal',
      DATABASE_APPLICATION_NAME: app,
      RATE_LIMIT_WRITE_PER_MIN: '10000000',
      RATE_LIMIT_READ_PER_MIN: '10000000',
    });
    // The observer has no application_name: its own connections survive the terminations.
    deps = await createContainer(testConfig(own), 'fault-observer');
    worker = spawnCompiled('dist/workers/orders/main.js', {
      ...own,
      DATABASE_APPLICATION_NAME: app,
      METRICS_PORT: '0',
      LOG_LEVEL: process.env.FAULT_WORKER_LOG_LEVEL ?? 'error',
      OUTBOX_POLL_MS: '200',
    });
    // The worker's own account of its retries, for the post-mortem of a failed run.
    const log = fs.createWriteStream(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fault-pg-')), 'worker.log'));
    console.log(`    worker log: ${String(log.path)}`);
    worker.child.stdout!.pipe(log);
    worker.child.stderr!.pipe(log);
  });
  after(async () => {
    worker?.child.kill('SIGKILL');
    // Step by step, each bounded: a step that hangs after the terminations is named in the failure.
    if (gw) {
      await bounded('server close', new Promise<void>((r) => gw.server.close(() => r())));
      gw.server.closeAllConnections();
      await bounded('services stop', gw.services.stop?.());
      await bounded('relay stop', gw.relay?.stop());
      await bounded('listener stop', gw.deps.notifications.stop());
      await bounded('publisher close', gw.deps.publisher.close());
      await bounded('orm close', gw.deps.orm.close(true));
    }
    await bounded('observer close', deps?.close());
  });

  it('pauses, resumes, answers 503 (never 500), loses nothing and applies nothing twice', async () => {
    const key = await createTenantKey(gw, 'tenant-fault-pg', 'operator');
    const conn = deps.orm.em.fork().getConnection();
    let terminated = 0;
    let restarts = 0;
    let lastRestartEndAt = Date.now();
    const terminateOurs = async () =>
      (
        await conn.execute<{ n: string }[]>(
          `select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = ? and pid <> pg_backend_pid()`,
          [app],
        )
      )[0]!.n;
    const chaos = (async () => {
      while (restarts < RESTARTS) {
        await sleep(randomInt(1_000, 3_000));
        const start = Date.now();
        while (Date.now() - start < OUTAGE_MS) {
          terminated += Number(await terminateOurs());
          await sleep(20);
        }
        restarts += 1;
        lastRestartEndAt = Date.now();
      }
    })();
    const answers: OrderAnswer[] = await pooled(COMMANDS, 32, (i) => postOrder(gw.url, key, i));
    await chaos;
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.id!);
    const unavailable = answers.filter((a) => a.status === 503);
    const bad = answers.filter((a) => a.status !== 202 && a.status !== 503);
    const workerExited = worker.child.exitCode !== null || worker.child.signalCode !== null;
    console.log(`    load done: ${statusCounts(answers)}; ${terminated} backends terminated; worker ${workerExited ? 'exited' : 'running'}`);
    for (const a of bad.slice(0, 5)) console.log(`    non-202/503: ${a.status} ${a.problemType ?? ''} after ${a.ms} ms`);

    let recoveredS = 0;
    const effects = await orderEffects(deps, accepted, () => (recoveredS = (Date.now() - lastRestartEndAt) / 1000));
    // Every repeat must be a row that a relay published again after its mark-as-published
    // statement died with its backend (at-least-once), never a second application.
    const [republish] = await conn.execute<{ n: string }[]>(
      'select coalesce(sum(publish_attempts - 1), 0) as n from outbox where topic = any(?::text[]) and publish_attempts > 1',
      [`{${deps.topics.events('orders')},${deps.topics.audit}}`],
    );
    const republished = Number(republish!.n);
    const summary = {
      sent: COMMANDS,
      accepted: accepted.length,
      completed: effects.final,
      lost: effects.lost,
      duplicated: effects.duplicated,
      recoveredS,
      repeatedEventIds: effects.repeatedEventIds,
      extra: { restarts, 'backends terminated': terminated, 'rows re-published': republished, '503': unavailable.length, 'other non-202': bad.length },
    };
    reportFault('postgres-restart', summary);
    expect(restarts).to.equal(RESTARTS);
    expect(terminated, 'backends of the scenario terminated').to.be.greaterThan(RESTARTS);
    expect(
      bad.map((a) => a.status),
      `answers other than 202 and 503 (${statusCounts(answers)})`,
    ).to.deep.equal([]);
    expect(
      unavailable.filter((a) => !a.contentType.startsWith('application/problem+json')),
      '503 as problem+json',
    ).to.deep.equal([]);
    expect(workerExited, `the worker paused and resumed instead of exiting:\n${worker.output()}`).to.equal(false);
    expect(effects.missingRows, 'succeeded without its order row').to.equal(0);
    expect(summary.lost, 'lost').to.equal(0);
    expect(summary.duplicated, 'duplicated').to.equal(0);
    expect(effects.repeatedEventIds, 'repeated event-ids beyond the rows re-published by a relay').to.be.at.most(republished);
    expect(effects.succeeded, 'every accepted create succeeded (a PostgreSQL outage is no reason to fail one)').to.equal(accepted.length);
    expect(accepted.length, 'most commands accepted around the outages').to.be.greaterThan(COMMANDS / 2);
  });
});
