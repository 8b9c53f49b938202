/**
 * Anchors outside the WORM store that say how far it must reach. A store can be cut consistently —
 * its newest records, segments and checkpoint lines removed together leave a chain that verifies —
 * so `stateset audit verify` compares where each partition's chain ends with two records the store's
 * host does not control: the audit sink group's committed offset in Kafka (every offset below it was
 * acknowledged as stored) and the `audit_events` index in PostgreSQL (written after each durable batch).
 */
import type { Kafka } from 'kafkajs';
import type { MikroORM } from '@mikro-orm/postgresql';
import { failure, type VerifyFailure } from './store/segment-check';
import type { PartitionHead } from './store/types';

/** The audit sink's consumer group: its committed offsets are one of the anchors. */
export function auditSinkGroupId(topicPrefix: string): string {
  return `${topicPrefix}stateset.audit-sink`;
}

export interface AnchorReading {
  /** per partition: the sink group's committed offset (the next offset to store), absent when none */
  kafkaCommitted: Map<number, bigint>;
  /** per partition: how many records the index holds, and the highest offset among them */
  index: Map<number, { count: number; maxOffset: bigint }>;
}

/** The first disagreement between the verified store and its anchors, named; null when they agree. */
export function reconcileWithAnchors(heads: readonly PartitionHead[], anchors: AnchorReading): VerifyFailure | null {
  const byPartition = new Map(heads.map((h) => [h.partition, h]));
  const partitions = new Set<number>([...byPartition.keys(), ...anchors.kafkaCommitted.keys(), ...anchors.index.keys()]);
  for (const partition of [...partitions].sort((a, b) => a - b)) {
    const head = byPartition.get(partition) ?? { partition, records: 0, lastOffset: null };
    const storeNext = head.lastOffset === null ? 0n : BigInt(head.lastOffset) + 1n;
    const where = `p${partition}`;
    const kafkaNext = anchors.kafkaCommitted.get(partition);
    if (kafkaNext !== undefined && kafkaNext > storeNext) {
      return failure(
        partition,
        where,
        head.records,
        'behind-kafka',
        `the audit sink's committed offset in Kafka is ${kafkaNext} but the store ends before offset ${storeNext}: ` +
          `${kafkaNext - storeNext} acknowledged records are missing (a cut tail or deleted segments)`,
      );
    }
    const idx = anchors.index.get(partition);
    if (idx && idx.maxOffset >= storeNext) {
      return failure(
        partition,
        where,
        head.records,
        'behind-index',
        `the audit_events index holds records up to offset ${idx.maxOffset} but the store ends before offset ${storeNext} (a cut tail or deleted segments)`,
      );
    }
    if (idx && idx.count > head.records) {
      return failure(
        partition,
        where,
        head.records,
        'behind-index',
        `the audit_events index holds ${idx.count} records of partition ${partition} but the store only ${head.records} (a range of records is missing)`,
      );
    }
  }
  return null;
}

/** Reads both anchors: the sink group's committed offsets (Kafka admin) and the index's per-partition counts. */
export async function readAnchors(deps: { kafka: Kafka; orm: MikroORM; groupId: string; topic: string }): Promise<AnchorReading> {
  const admin = deps.kafka.admin();
  await admin.connect();
  const kafkaCommitted = new Map<number, bigint>();
  try {
    const [t] = await admin.fetchOffsets({ groupId: deps.groupId, topics: [deps.topic] });
    for (const p of t?.partitions ?? []) if (BigInt(p.offset) >= 0n) kafkaCommitted.set(p.partition, BigInt(p.offset));
  } finally {
    await admin.disconnect();
  }
  const rows = await deps.orm.em
    .fork()
    .getConnection()
    .execute<{ partition: number; n: string; max: string }[]>(
      'select kafka_partition as partition, count(*) as n, max(kafka_offset) as max from audit_events group by kafka_partition',
    );
  const index = new Map(rows.map((r) => [Number(r.partition), { count: Number(r.n), maxOffset: BigInt(r.max) }]));
  return { kafkaCommitted, index };
}
