import { randomBytes, randomInt } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { testConfig, waitFor } from '../support/platform';
import { setupPlatform } from '../../ops/cli/setup';
import { dropProcessRoles } from '../../shared/orm';
import { readAll, reportFault, sleep, spawnCompiled, type ChildHandle } from '../support/faults';
import { storedEventIds } from '../support/fault-audit';
import { createContainer, type Deps } from '../../shared/container';
import { buildAuditRecord } from '../../shared/audit/record';
import { AUDIT_SCHEMA_FILE } from '../../schemas/catalog';
import { auditVerify } from '../../ops/cli/audit';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';

const RECORDS = 4_000;
const KILLS = 20;

/**
 * Scenario 7: the compiled audit sink is SIGKILLed 20 times at random moments (mid-batch: between
 * the store's append, its checkpoint, the audit_events index and the Kafka commit) while audit
 * records arrive, for the fs and then the s3 store. At the end `stateset audit verify` (its code
 * path, anchors on) must pass, each published event-id must be in the store exactly once, and the
 * audit_events index must hold exactly the same ids.
 */
describe('fault: audit sink crash mid-batch (SIGKILL ×20, fs and s3 stores)', function () {
  this.timeout(600_000);

  for (const kind of ['fs', 's3'] as const) {
    it(`${kind}: verify passes, every record stored exactly once, index exact`, async () => {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `fault-sink-${kind}-`));
      // Topics, a sink group and an audit_events index of their own: the anchors compare the index of
      // the whole schema with the store, partition by partition.
      const run = randomBytes(3).toString('hex');
      const own = {
        KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}sink-${run}.`,
        DATABASE_SCHEMA: `${process.env.DATABASE_SCHEMA ?? 'test'}_sink_${run}`,
      };
      await setupPlatform(testConfig(own));
      const env: Record<string, string> = {
        ...own,
        AUDIT_STORE: kind,
        AUDIT_DIR: path.join(dir, 'store'),
        AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
        // Small segments: the kills also land between a seal and its checkpoint.
        AUDIT_SEGMENT_MAX_RECORDS: '250',
        S3_BUCKET: `fault-sink-${Date.now()}-${randomBytes(3).toString('hex')}`,
        S3_RETENTION_DAYS: '1',
      };
      if (kind === 's3' && !process.env.S3_ENDPOINT) throw new Error('the s3 scenario needs S3_ENDPOINT (source .infra/env)');
      const config = testConfig(env);
      const deps: Deps = await createContainer(config, 'fault-producer');
      const startSink = () => spawnCompiled('dist/workers/audit-sink/main.js', { ...env, METRICS_PORT: '0', LOG_LEVEL: 'error' });
      let sink: ChildHandle = startSink();
      try {
        const published: string[] = [];
        const producing = (async () => {
          for (let i = 0; i < RECORDS; i += 100) {
            const records = Array.from({ length: 100 }, () => buildAuditRecord({ action: 'fault.sink', outcome: 'success', tenantId: 'tenant-fault-sink' }));
            const values = await Promise.all(records.map((r) => deps.codec.encode(deps.topics.audit, AUDIT_SCHEMA_FILE, r)));
            await deps.publisher.send(
              values.map((value, j) => ({ topic: deps.topics.audit, key: `k${i + j}`, value, headers: { 'event-id': records[j]!.eventId } })),
            );
            published.push(...records.map((r) => r.eventId));
            await sleep(randomInt(50, 250));
          }
        })();
        let kills = 0;
        let lastKillAt = Date.now();
        while (kills < KILLS) {
          await sleep(randomInt(300, 2000));
          sink.child.kill('SIGKILL');
          await sink.exited;
          kills += 1;
          lastKillAt = Date.now();
          sink = startSink();
        }
        await producing;
        const mine = new Set(published);
        const storedMine = async () => (await storedEventIds(wormStoreConfig(config, kind))).filter((id) => mine.has(id));
        // After a SIGKILL the group waits out the dead member's session before the new one gets the partition.
        await waitFor('every published record stored', async () => new Set(await storedMine()).size === published.length, 420_000).catch(async (err: Error) => {
          throw new Error(`${err.message}: ${new Set(await storedMine()).size}/${published.length}; sink output: ${sink.output().slice(-2000)}`);
        });
        const recoveredS = (Date.now() - lastKillAt) / 1000;
        // A graceful stop: the last batch's offsets committed, so the anchors compare with what is stored.
        sink.child.kill('SIGTERM');
        await sink.exited;

        const verify = await auditVerify(config, kind, { progress: false, anchors: true });
        const stored = await storedMine();
        const distinct = new Set(stored);
        const [index] = await deps.orm.em
          .fork()
          .getConnection()
          .execute<{ n: string; d: string }[]>('select count(*) as n, count(distinct event_id) as d from audit_events where event_id = any(?::uuid[])', [
            `{${published.join(',')}}`,
          ]);
        const { messages, repeatedEventIds } = await readAll(deps.kafka, [deps.topics.audit], 60_000);
        const onTopic = new Set(messages.map((m) => m.headers['event-id']));
        const lost = published.length - distinct.size + (published.length - Number(index!.d));
        const duplicated = stored.length - distinct.size + (Number(index!.n) - Number(index!.d));
        const summary = {
          sent: RECORDS,
          accepted: onTopic.size,
          completed: distinct.size,
          lost,
          duplicated,
          recoveredS,
          repeatedEventIds,
          extra: { kills, store: kind, indexed: Number(index!.d), verify: verify.code === 0 ? 'ok' : 'FAILED' },
        };
        reportFault(`audit-sink-crash-${kind}`, summary);
        expect(verify.code, `audit verify: ${JSON.stringify(verify.result)}`).to.equal(0);
        expect(onTopic.size, 'records on the audit topic').to.equal(RECORDS);
        expect(summary.lost, 'lost').to.equal(0);
        expect(summary.duplicated, 'duplicated').to.equal(0);
      } finally {
        sink.child.kill('SIGKILL');
        await deps.orm.em.getConnection().execute(`drop schema if exists "${own.DATABASE_SCHEMA}" cascade`);
        await dropProcessRoles(deps.orm, own.DATABASE_SCHEMA);
        await deps.close();
        await fsp.rm(dir, { recursive: true, force: true });
      }
    });
  }
});
