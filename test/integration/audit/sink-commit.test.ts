import { expect } from 'chai';
import { buildAuditRecord } from '../../../shared/audit/record';
import { createContainer, type Deps } from '../../../shared/container';
import { AUDIT_SCHEMA_FILE } from '../../../schemas/catalog';
import { AuditSink } from '../../../workers/audit-sink/sink';
import type { AuditEntry, FsWormStoreConfig, WormStore } from '../../../workers/audit-sink/store';
import { testConfig, waitFor } from '../../support/platform';

/** A store whose append() resolves only when the test says so (or fails on demand). */
class GatedStore implements WormStore {
  appended: AuditEntry[][] = [];
  failNext = 0;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  block(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open();
  }
  async init(): Promise<void> {}
  async append(entries: AuditEntry[]): Promise<void> {
    await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('disk full (test)');
    }
    this.appended.push(entries);
  }
  async committedOffset(): Promise<string | null> {
    return null;
  }
  async sealDue(): Promise<void> {}
  async close(): Promise<void> {}
}

/** The sink commits a batch's offsets only after the store made it durable (append resolved). */
describe('audit sink: offsets are committed only after the store made the batch durable', function () {
  this.timeout(90_000);
  let deps: Deps;
  let sink: AuditSink;
  const store = new GatedStore();
  const config: FsWormStoreConfig = {
    kind: 'fs',
    dir: '/nonexistent',
    checkpointDir: '/nonexistent',
    maxSegmentRecords: 10,
    maxSegmentAgeMs: 60_000,
  };

  const committed = async (): Promise<string> => {
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({
        groupId: `${deps.config.KAFKA_TOPIC_PREFIX}stateset.audit-sink`,
        topics: [deps.topics.audit],
      });
      return t?.partitions[0]?.offset ?? '-1';
    } finally {
      await admin.disconnect();
    }
  };
  const produce = async (n: number) => {
    const values = await Promise.all(
      Array.from({ length: n }, () => deps.codec.encode(deps.topics.audit, AUDIT_SCHEMA_FILE, buildAuditRecord({ action: 'test.commit', outcome: 'success' }))),
    );
    await deps.publisher.send(values.map((value, i) => ({ topic: deps.topics.audit, key: `k${i}`, value, headers: {} })));
  };

  before(async () => {
    deps = await createContainer(testConfig({ AUDIT_VERIFY_INTERVAL_MS: '0' }), 'audit-sink');
    sink = new AuditSink(deps, store, config);
  });
  after(async () => {
    store.release();
    await sink?.stop();
    await deps?.close();
  });

  it('holds the commit while append is pending, and while it fails', async () => {
    store.block();
    await sink.start();
    await produce(25);
    await new Promise((r) => setTimeout(r, 3000)); // the batch is fetched and waits on the store
    expect(store.appended).to.have.length(0);
    expect(await committed(), 'nothing committed before durable').to.equal('-1');
    store.failNext = 2;
    store.release();
    await waitFor('offsets committed', async () => (await committed()) === '25', 30_000);
    expect(store.appended.flat()).to.have.length(25);

    store.block();
    await produce(5);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await committed()).to.equal('25');
    store.release();
    await waitFor('second batch committed', async () => (await committed()) === '30', 30_000);
    const rows = await deps.orm.em.fork().getConnection().execute<{ n: string }[]>('select count(*) as n from audit_events where action = ?', ['test.commit']);
    expect(Number(rows[0]?.n)).to.equal(30);
  });
});
