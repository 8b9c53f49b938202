import type { Deps } from '../../shared/container';
import type { WormStore } from './store';

/** Offsets [from, to) of a partition that Kafka says were stored but the store does not hold as its last records. */
export interface Gap {
  partition: number;
  from: bigint;
  to: bigint;
  /** counted in stateset_audit_offset_mismatches_total already */
  counted: boolean;
}

/**
 * Kafka's committed offset of the sink's group against the store, per partition, and what re-reading
 * a gap shows: only re-reading tells a real gap (records the store lacks) from duplicates re-published
 * at the tail, which the store skips.
 */
export class OffsetGaps {
  private readonly gaps = new Map<number, Gap>();

  constructor(
    private readonly deps: Pick<Deps, 'kafka' | 'metrics' | 'logger' | 'topics'>,
    private readonly store: Pick<WormStore, 'committedOffset'>,
    private readonly groupId: string,
  ) {}

  get(partition: number): Gap | undefined {
    return this.gaps.get(partition);
  }

  /**
   * Kafka's committed offset of the sink's group is an anchor outside the store: every offset below
   * it was acknowledged as stored. Past the store's own position it means records the store does not
   * hold — a cut tail, a lost store, an offset moved forward by hand — or only duplicates at the tail
   * (a re-published outbox row the store skipped). The partition is re-read from the store's position
   * (stateset_audit_offset_gap_records shows the gap meanwhile); records the store then has to take,
   * or a gap Kafka no longer holds, are counted (stateset_audit_offset_mismatches_total, alert
   * AuditOffsetMismatch) — never passed over silently (settle).
   */
  async find(partitions: number[]): Promise<Gap[]> {
    const found: Gap[] = [];
    if (partitions.length === 0) return found;
    const admin = this.deps.kafka.admin();
    await admin.connect();
    let committed: Map<number, bigint>;
    try {
      const [t] = await admin.fetchOffsets({ groupId: this.groupId, topics: [this.deps.topics.audit] });
      committed = new Map((t?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    } finally {
      await admin.disconnect();
    }
    for (const partition of partitions) {
      const kafkaNext = committed.get(partition) ?? -1n;
      const stored = await this.store.committedOffset(partition);
      const storeNext = stored === null ? 0n : BigInt(stored) + 1n;
      const label = { partition: String(partition) };
      if (kafkaNext <= storeNext) {
        this.deps.metrics.auditOffsetGap.set(label, 0);
        this.gaps.delete(partition);
        continue;
      }
      this.deps.metrics.auditOffsetGap.set(label, Number(kafkaNext - storeNext));
      this.deps.logger.warn(
        { partition, kafkaCommitted: kafkaNext.toString(), storeNext: storeNext.toString() },
        "Kafka's committed offset is past the audit store: re-reading from the store's position to tell missing records from duplicates",
      );
      found.push({ partition, from: storeNext, to: kafkaNext, counted: false });
    }
    for (const g of found) this.gaps.set(g.partition, g);
    return found;
  }

  /**
   * After a batch of a partition with a gap: records of the gap that had to be stored now, or a gap
   * whose start Kafka no longer holds, are a real mismatch (counted once, alerted); a gap that held
   * only duplicates the store already had is the relay's documented re-publish, not an anomaly.
   */
  settle(partition: number, gap: Gap, first: bigint, last: bigint, filled: boolean): void {
    const label = { partition: String(partition) };
    const lost = first > gap.from;
    if ((filled || lost) && !gap.counted) {
      gap.counted = true;
      this.deps.metrics.auditOffsetMismatches.inc(label);
      this.deps.logger.error(
        { partition, from: gap.from.toString(), to: gap.to.toString(), lost },
        lost
          ? "AUDIT RECORDS LOST: Kafka's committed offset was past the store and the gap is no longer in Kafka"
          : "AUDIT STORE WAS BEHIND KAFKA'S COMMITTED OFFSET: acknowledged records were missing and have been stored from Kafka",
      );
    }
    if (last + 1n < gap.to && !lost) {
      gap.from = last + 1n; // the rest of the gap comes with the next batches
      return;
    }
    this.gaps.delete(partition);
    this.deps.metrics.auditOffsetGap.set(label, 0);
    if (!gap.counted) this.deps.logger.info({ partition }, 'the offsets past the store were duplicates it already held (an outbox re-publish)');
  }
}
