import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { buildAuditRecord } from '../../../shared/audit/record';
import { createContainer, type Deps } from '../../../shared/container';
import { AUDIT_SCHEMA_FILE } from '../../../schemas/catalog';
import { AuditSink } from '../../../workers/audit-sink/sink';
import { createWormStore, type FsWormStoreConfig } from '../../../workers/audit-sink/store';
import { storedRecords } from '../../support/worm-records';
import { testConfig, waitFor } from '../../support/platform';
import { setupPlatform } from '../../../ops/cli/setup';
import { dropProcessRoles } from '../../../shared/orm';
import { auditVerify } from '../../../ops/cli/audit';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import { HEAD_LOG } from '../../../workers/audit-sink/store/signed-head';

/**
 * Attack: move the sink group's committed offset forward past records the store never held (as
 * someone with Kafka admin rights could, to make records vanish from the trail). The sink must
 * notice at its next assignment, count it, and re-read the skipped records instead of going on.
 */
describe("audit sink: Kafka's committed offset is reconciled with the store", function () {
  this.timeout(120_000);
  let deps: Deps;
  let dir: string;
  let config: FsWormStoreConfig;
  const groupId = () => `${deps.config.KAFKA_TOPIC_PREFIX}stateset.audit-sink`;

  const produce = async (action: string, n: number) => {
    const values = await Promise.all(
      Array.from({ length: n }, () => deps.codec.encode(deps.topics.audit, AUDIT_SCHEMA_FILE, buildAuditRecord({ action, outcome: 'success' }))),
    );
    await deps.publisher.send(values.map((value, i) => ({ topic: deps.topics.audit, key: `k${i}`, value, headers: {} })));
  };
  const counted = async (name: 'auditOffsetMismatches' | 'auditOffsetGap') => (await deps.metrics[name].get()).values.reduce((n, v) => n + v.value, 0);

  let overrides: Record<string, string>;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sink-offsets-'));
    config = {
      kind: 'fs',
      dir: path.join(dir, 'store'),
      checkpointDir: path.join(dir, 'checkpoints'),
      maxSegmentRecords: 1000,
      maxSegmentAgeMs: 60_000,
    };
    // Topics, a sink group and an audit_events index of its own: it moves the group's offsets and
    // compares the store with the index.
    const run = randomBytes(3).toString('hex');
    overrides = {
      AUDIT_VERIFY_INTERVAL_MS: '0',
      AUDIT_DIR: config.dir,
      AUDIT_CHECKPOINT_DIR: config.checkpointDir,
      KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}anchors-${run}.`,
      DATABASE_SCHEMA: `${process.env.DATABASE_SCHEMA ?? 'test'}_anchors_${run}`,
    };
    await setupPlatform(testConfig(overrides));
    deps = await createContainer(testConfig(overrides), 'audit-sink');
  });
  after(async () => {
    await deps?.orm.em.getConnection().execute(`drop schema if exists "${overrides.DATABASE_SCHEMA}" cascade`);
    if (deps) await dropProcessRoles(deps.orm, overrides.DATABASE_SCHEMA!);
    await deps?.close();
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('an offset moved forward past unstored records is counted, shown as a gap, and the records are re-read', async () => {
    let sink = new AuditSink(deps, createWormStore(config), config);
    await sink.start();
    await produce('test.before', 10);
    await waitFor('first 10 stored', async () => storedRecords(config.dir).length === 10, 30_000);
    await sink.stop();
    expect(await counted('auditOffsetMismatches')).to.equal(0);

    await produce('test.skipped', 10); // offsets 10..19, never seen by the sink
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: groupId(), topic: deps.topics.audit, partitions: [{ partition: 0, offset: '20' }] });
    } finally {
      await admin.disconnect();
    }

    sink = new AuditSink(deps, createWormStore(config), config);
    await sink.start();
    try {
      await waitFor('the mismatch counted', async () => (await counted('auditOffsetMismatches')) === 1, 30_000);
      await waitFor('the skipped records stored after all', async () => storedRecords(config.dir).length === 20, 30_000);
      expect(storedRecords(config.dir).filter((r) => r.action === 'test.skipped')).to.have.length(10);
      await waitFor('the gap gauge cleared', async () => (await counted('auditOffsetGap')) === 0, 10_000);
    } finally {
      await sink.stop();
    }
  });

  it('duplicates re-published at the tail (a relay crash) are told from missing records: not counted', async () => {
    const before = await counted('auditOffsetMismatches');
    let sink = new AuditSink(deps, createWormStore(config), config);
    await sink.start();
    const record = buildAuditRecord({ action: 'test.republished', outcome: 'success' });
    const value = await deps.codec.encode(deps.topics.audit, AUDIT_SCHEMA_FILE, record);
    // The same record twice, as an outbox relay that crashed between publishing and marking would send it.
    await deps.publisher.send([{ topic: deps.topics.audit, key: 'k', value, headers: {} }]);
    await deps.publisher.send([{ topic: deps.topics.audit, key: 'k', value, headers: {} }]);
    await waitFor('stored once', async () => storedRecords(config.dir).filter((r) => r.eventId === record.eventId).length === 1, 30_000);
    await sink.stop();
    sink = new AuditSink(deps, createWormStore(config), config);
    await sink.start();
    try {
      // A record behind the duplicate: once it is stored, the re-read of the duplicate has been settled
      // (a partition is processed in order).
      const follower = buildAuditRecord({ action: 'test.follower', outcome: 'success' });
      await deps.publisher.send([
        { topic: deps.topics.audit, key: 'k', value: await deps.codec.encode(deps.topics.audit, AUDIT_SCHEMA_FILE, follower), headers: {} },
      ]);
      await waitFor('the record behind the duplicate stored', async () => storedRecords(config.dir).some((r) => r.eventId === follower.eventId), 30_000);
      expect(await counted('auditOffsetMismatches'), 'a re-published duplicate is no mismatch').to.equal(before);
      expect(await counted('auditOffsetGap')).to.equal(0);
      expect(storedRecords(config.dir).filter((r) => r.eventId === record.eventId)).to.have.length(1);
    } finally {
      await sink.stop();
    }
  });

  it("stateset audit verify: a cut tail that still chains is reported by name against Kafka's committed offset", async () => {
    const sink = new AuditSink(deps, createWormStore(config), config);
    await sink.start();
    const expected = storedRecords(config.dir).length + 5;
    await produce('test.tail', 5);
    await waitFor('5 more stored', async () => storedRecords(config.dir).length === expected, 30_000);
    await waitFor(
      'committed and indexed',
      async () => {
        const rows = await deps.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*) as n from audit_events');
        return Number(rows[0]?.n) === expected;
      },
      30_000,
    );
    await sink.stop();
    const cli = testConfig(overrides);
    expect((await auditVerify(cli, 'fs', { progress: false })).code, 'intact store + anchors').to.equal(0);

    // The attack: drop the newest 5 records of the open segment (whole lines, so the chain still verifies)…
    const segDir = path.join(config.dir, 'p0');
    const newest = (await fsp.readdir(segDir))
      .filter((f) => f.endsWith('.seg'))
      .sort()
      .pop()!;
    const file = path.join(segDir, newest);
    const lines = (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean);
    await fsp.chmod(file, 0o644);
    await fsp.writeFile(
      file,
      lines
        .slice(0, -5)
        .map((l) => `${l}\n`)
        .join(''),
    );
    // …and the signed heads with them, so that only the anchors outside the host are left to tell.
    await fsp.rm(path.join(config.checkpointDir, HEAD_LOG), { force: true });

    expect((await verifyStore(config)).ok, 'the store alone cannot tell').to.equal(true);
    const { code, result } = await auditVerify(cli, 'fs', { progress: false });
    expect(code).to.equal(1);
    expect(result).to.include({ ok: false, kind: 'behind-kafka', partition: 0 });
    expect((result as { reason: string }).reason).to.match(/\d+ acknowledged records are missing/);
  });
});
