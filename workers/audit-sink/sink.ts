import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Deps } from '../../shared/container';
import { LagMonitor } from '../../shared/kafka';
import { retrying, sleep } from '../../shared/retry';
import { auditSinkGroupId } from './anchors';
import { OffsetGaps } from './offset-gaps';
import { writeIndex } from './audit-index';
import { AvroDecoder } from './decoder';
import { IncrementalVerifier, normalizeRecord, type AuditEntry, type AuditRecord, type IncrementalResult, type WormStore, type WormStoreConfig } from './store';

/**
 * Fetch sizes: a backlog arrives in batches of thousands of records (one store write + fsync and one
 * index statement per chunk of them); under light traffic the broker waits up to maxWaitTimeInMs for
 * minBytes, so batches stay large without adding more than that latency.
 */
export const SINK_FETCH = { maxBytesPerPartition: 4 << 20, maxBytes: 32 << 20, minBytes: 64 << 10, maxWaitTimeInMs: 250 } as const;

export interface AuditSinkOptions {
  /** decoder to use instead of one on the configured registry */
  decoder?: AvroDecoder;
}

/**
 * Consumes stateset.audit and makes each batch durable in the WORM store before committing its
 * offsets. A redelivered batch is skipped by the store (offsets and event ids already stored).
 */
export class AuditSink {
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private readonly decoder: AvroDecoder;
  private readonly verifier: IncrementalVerifier;
  private sealTimer: NodeJS.Timeout | null = null;
  private verifyTimer: NodeJS.Timeout | null = null;
  private readonly lag: LagMonitor;
  private stopping = false;
  /** the previous batch's index write + commit */
  private inflight: Promise<void> = Promise.resolve();
  /** the reconciliation of the current assignment; batches wait for it (see reconcile) */
  private reconciling: Promise<void> = Promise.resolve();
  private readonly offsetGaps: OffsetGaps;
  /** the last periodic verification's report */
  lastVerification: IncrementalResult | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly store: WormStore,
    private readonly storeConfig: WormStoreConfig,
    opts: AuditSinkOptions = {},
  ) {
    const groupId = auditSinkGroupId(deps.config.KAFKA_TOPIC_PREFIX);
    this.groupId = groupId;
    this.offsetGaps = new OffsetGaps(deps, store, groupId);
    this.consumer = deps.kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 30000, ...SINK_FETCH });
    this.decoder = opts.decoder ?? AvroDecoder.create(deps.config.SCHEMA_REGISTRY_URL);
    this.verifier = new IncrementalVerifier(storeConfig);
    this.lag = new LagMonitor(deps.kafka, groupId, [deps.topics.audit], deps.metrics.auditSinkLag, deps.logger, (_topic, partition) => ({
      partition: String(partition),
    }));
    store.onSealed = (info) => {
      deps.metrics.auditLastSealed.set(info.at.getTime() / 1000);
      deps.logger.info({ segment: info.segment, records: info.records }, 'audit segment sealed');
    };
  }

  async start(): Promise<void> {
    await this.store.init();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.deps.topics.audit, fromBeginning: true });
    // Set synchronously when the group is joined, before the first fetch of the new assignment.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[this.deps.topics.audit] ?? [];
      this.reconciling = this.reconcile(assigned).catch((err: unknown) => {
        this.deps.logger.error({ err }, "audit sink could not compare Kafka's committed offsets with the store");
      });
    });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (b) => this.onBatch(b) });
    this.sealTimer = setInterval(
      () => {
        this.store
          .sealDue()
          .then(() => this.store.signHeads?.())
          .catch((err: unknown) => this.deps.logger.error({ err }, 'sealing or signing heads failed; will retry'));
      },
      Math.min(5000, this.deps.config.AUDIT_SEGMENT_MAX_AGE_MS),
    );
    this.lag.start();
    if (this.deps.config.AUDIT_VERIFY_INTERVAL_MS > 0) {
      this.verifyTimer = setInterval(() => void this.verify(), this.deps.config.AUDIT_VERIFY_INTERVAL_MS);
    }
  }

  private get storeKind(): string {
    return this.storeConfig.kind;
  }

  /**
   * Incremental verification (store/incremental.ts): the segments sealed since the last run, the open
   * segment, and a bounded sample of older ones. A failure is counted (and alerted on), never repaired.
   */
  async verify(): Promise<boolean> {
    const result = await this.verifier.run();
    this.lastVerification = result;
    if (result.ok) {
      this.deps.logger.debug({ newSegments: result.newSegments, sampled: result.sampled.length, pending: result.pendingSegments }, 'audit store verified');
      return true;
    }
    this.deps.metrics.auditVerificationFailures.inc();
    if (result.kind === 'io-error') this.deps.logger.error({ reason: result.reason }, 'audit store verification could not run');
    else
      this.deps.logger.error(
        { kind: result.kind, segment: result.segment, sequence: result.sequence, reason: result.reason },
        'AUDIT STORE VERIFICATION FAILED',
      );
    return false;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sealTimer) clearInterval(this.sealTimer);
    if (this.verifyTimer) clearInterval(this.verifyTimer);
    await this.lag.stop();
    await this.inflight; // the last batch's index write and commit, while the consumer still runs
    await this.consumer.stop();
    await this.inflight;
    await this.consumer.disconnect();
    await this.store.close();
  }

  private decodeAll(partition: number, messages: EachBatchPayload['batch']['messages']): AuditEntry[] {
    return messages.map((m) => {
      let record: AuditRecord;
      try {
        // Checked against the AuditRecord schema: a value another schema decoded is undecodable here too.
        record = normalizeRecord(this.decoder.decode(m.value));
      } catch (err) {
        // An undecodable audit message is itself evidence: keep it in the trail, do not drop it.
        record = undecodableRecord(partition, m.offset, err);
      }
      return { partition, offset: m.offset, record };
    });
  }

  /**
   * Per batch: decode, append (durable when it resolves), then index + commit. The index write and the
   * commit of batch N run while batch N+1 is fetched and appended (at most one in flight; batch N+1
   * waits for it before starting its own), so PostgreSQL's work overlaps the store's. A batch's offsets
   * are committed only after its append resolved and its index rows were written.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.reconciling; // a seek back to the store's position makes this batch stale
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    // Only schema ids not seen before are fetched; the registry being down throws (the batch is redelivered).
    await this.decoder.prepare(batch.messages.map((m) => m.value));
    const entries = this.decodeAll(batch.partition, batch.messages);
    const gap = this.offsetGaps.get(batch.partition);
    let gapFilled = false;
    await retrying(
      async () => {
        const end = this.deps.metrics.auditPersistDuration.startTimer({ store: this.storeKind });
        if (gap) {
          // The gap's part first: whether it stores anything is what tells a real gap from duplicates.
          const before = await this.store.committedOffset(batch.partition);
          await this.store.append(entries.filter((e) => BigInt(e.offset) < gap.to));
          const after = await this.store.committedOffset(batch.partition);
          gapFilled ||= after !== before;
          await this.store.append(entries.filter((e) => BigInt(e.offset) >= gap.to));
        } else {
          await this.store.append(entries);
        }
        end();
      },
      {
        policy: { initialMs: 200, maxMs: 10_000 },
        giveUp: () => this.stopping,
        onRetry: (err, attempt) => this.deps.logger.error({ err, attempt }, 'audit store append failed; retrying'),
        wait: async (ms) => {
          await sleep(ms);
          await heartbeat();
        },
      },
    );
    // Durable from here on.
    this.deps.metrics.auditRecordsWritten.inc({ store: this.storeKind }, entries.length);
    const last = batch.messages[batch.messages.length - 1]!;
    if (gap) this.offsetGaps.settle(batch.partition, gap, BigInt(batch.messages[0]!.offset), BigInt(last.offset), gapFilled);
    resolveOffset(last.offset); // where fetching continues; the commit follows the index write
    await this.inflight;
    const next = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() };
    this.inflight = this.index(entries).then(() => this.commit(next));
    if (this.stopping) await this.inflight; // commit before the consumer stops
    await heartbeat();
  }

  /** At every assignment: Kafka's committed offsets against the store (offset-gaps.ts); a gap is re-read. */
  private async reconcile(partitions: number[]): Promise<void> {
    for (const g of await this.offsetGaps.find(partitions))
      this.consumer.seek({ topic: this.deps.topics.audit, partition: g.partition, offset: g.from.toString() });
  }

  /** Commits offsets explicitly (after the batch's append and index); a failure (rebalance) means redelivery, which is deduped. */
  private async commit(offset: { topic: string; partition: number; offset: string }): Promise<void> {
    try {
      await this.consumer.commitOffsets([offset]);
    } catch (err) {
      this.deps.logger.warn({ err, ...offset }, 'audit sink offset commit failed; the batch will be redelivered and skipped');
    }
  }

  /** Query index for auditors; the store is already durable, so a failure here only delays queries. */
  private async index(entries: AuditEntry[]): Promise<void> {
    try {
      const res = await retrying(() => writeIndex(this.deps.orm, entries), {
        policy: { initialMs: 200, maxMs: 5000 },
        giveUp: (_err, attempt) => this.stopping || attempt >= 5,
      });
      if (res.skipped > 0) this.deps.logger.warn({ skipped: res.skipped }, 'audit records without a UUID eventId are not indexed');
    } catch (err) {
      this.deps.logger.error({ err }, 'audit index write failed');
    }
  }
}

function undecodableRecord(partition: number, offset: string, err: unknown): AuditRecord {
  return {
    eventId: `00000000-0000-4000-8000-${(partition * 1e9 + Number(offset)).toString(16).padStart(12, '0').slice(-12)}`,
    occurredAt: new Date().toISOString(),
    tenantId: null,
    principal: 'system:audit-sink',
    action: 'audit.undecodable',
    resourceType: 'kafka_message',
    resourceId: `${partition}:${offset}`,
    outcome: 'failure',
    requestId: null,
    operationId: null,
    sourceIp: null,
    userAgent: null,
    details: JSON.stringify({ error: err instanceof Error ? err.message.slice(0, 200) : String(err) }),
  };
}
