import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../../shared/container';
import { OutboxRelay } from '../../../shared/outbox';
import { buildAuditRecord } from '../../../shared/audit';
import { AUDIT_SCHEMA_FILE } from '../../../schemas/catalog';
import { testConfig, waitFor } from '../../support/platform';
import { readTopic } from '../../support/commands';

const ROWS = 10_000;
const KEYS = 20;

/** Registry-encoded payload values: "<key>:<seq>" in details, so order per key can be checked. */
describe('outbox relay: several relays over one outbox publish each row exactly once, in order per key', function () {
  this.timeout(120_000);
  const containers: Deps[] = [];
  const relays: OutboxRelay[] = [];
  let topic = '';
  const republished = async () => {
    const n = await Promise.all(containers.map(async (d) => (await d.metrics.outboxRepublished.get()).values.reduce((s, v) => s + v.value, 0)));
    return n.reduce((a, b) => a + b, 0);
  };

  before(async () => {
    for (let i = 0; i < 3; i++) containers.push(await createContainer(testConfig(), `relay-${i}`));
    const deps = containers[0]!;
    topic = `${deps.config.KAFKA_TOPIC_PREFIX}relay-test-${randomUUID().slice(0, 8)}`;
    const admin = deps.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    // 10,000 rows as the writers leave them, in chunks of one multi-row insert each.
    const em = deps.orm.em.fork();
    for (let start = 0; start < ROWS; start += 1000) {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < start + 1000; i++) {
        const key = `k${i % KEYS}`;
        const record = buildAuditRecord({ action: 'relay.test', outcome: 'success', tenantId: key, details: { seq: i } });
        tuples.push('(?, ?, ?, ?, ?::jsonb, ?::jsonb, now())');
        values.push(
          topic,
          key,
          'audit',
          AUDIT_SCHEMA_FILE,
          JSON.stringify(record),
          JSON.stringify({ 'event-id': record.eventId, 'event-type': 'audit.relay.test' }),
        );
      }
      await em.execute(`insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at) values ${tuples.join(', ')}`, values);
    }
  });
  after(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all(containers.map((d) => d.close()));
  });

  it('three relays drain 10,000 rows: every event id once, each key in row order; re-publishes counted', async () => {
    for (const d of containers) {
      const relay = new OutboxRelay(d.orm, d.publisher, d.codec, d.logger, d.metrics, 20, d.notifications);
      relays.push(relay);
      relay.start();
    }
    const deps = containers[0]!;
    await waitFor(
      'outbox drained',
      async () => {
        const [row] = await deps.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from outbox where topic = ? and published_at is null', [topic]);
        return Number(row?.n) === 0;
      },
      90_000,
    );
    const messages = await readTopic(deps.kafka, topic, 60_000);
    const ids = messages.map((m) => m.headers['event-id']);
    expect(messages.length, 'messages on the topic').to.equal(ROWS);
    expect(new Set(ids).size, 'distinct event ids').to.equal(ROWS);
    const lastSeq = new Map<string, number>();
    for (const m of messages) {
      const decoded = await deps.codec.decode(m.value);
      const seq = (JSON.parse(String(decoded.details)) as { seq: number }).seq;
      const before = lastSeq.get(m.key) ?? -1;
      expect(seq, `key ${m.key}`).to.be.greaterThan(before);
      lastSeq.set(m.key, seq);
    }
    expect(lastSeq.size).to.equal(KEYS);
    // A batch whose publish failed (e.g. the new topic's leader not yet known) is published again
    // and counted; each such row was seen twice by a relay, and none of them reached the topic twice.
    const [again] = await deps.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from outbox where topic = ? and publish_attempts > 1', [topic]);
    expect(await republished(), 'counted re-publishes').to.equal(Number(again?.n));
    const published = await Promise.all(containers.map(async (d) => (await d.metrics.outboxPublished.get()).values.reduce((n, v) => n + v.value, 0)));
    expect(
      published.reduce((a, b) => a + b, 0),
      'rows published by the three relays together',
    ).to.equal(ROWS);
  });

  it('a relay that stopped between publishing and marking re-publishes only that batch, and counts it', async () => {
    const deps = containers[0]!;
    const em = deps.orm.em.fork();
    const record = buildAuditRecord({ action: 'relay.test', outcome: 'success', tenantId: 'k-crash', details: { seq: 0 } });
    // As a crashed relay leaves it: publish counted, never marked.
    await em.execute(
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at, publish_attempts)
      values (?, 'k-crash', 'audit', ?, ?::jsonb, ?::jsonb, now(), 1)`,
      [topic, AUDIT_SCHEMA_FILE, JSON.stringify(record), JSON.stringify({ 'event-id': record.eventId, 'event-type': 'audit.relay.test' })],
    );
    const before = await republished();
    await waitFor('re-published', async () => (await republished()) === before + 1, 20_000);
    const messages = await readTopic(deps.kafka, topic, 60_000);
    expect(messages.filter((m) => m.headers['event-id'] === record.eventId)).to.have.length(1);
  });
});
