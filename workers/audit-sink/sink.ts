import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Deps } from '../../shared/container';
import { AuditEvent, type AuditEventRow } from '../../shared/orm';
import { isRetriable } from '../../shared/errors';
import { LagMonitor } from '../../shared/kafka';
import { verifyStore, type AuditEntry, type AuditRecord, type WormStore, type WormStoreConfig } from './store';

/**
 * Consumes stateset.audit and makes each batch durable in the WORM store before committing its
 * offsets. A redelivered batch is skipped by the store (offsets and event ids already stored).
 */
export class AuditSink {
  private readonly consumer: Consumer;
  private sealTimer: NodeJS.Timeout | null = null;
  private verifyTimer: NodeJS.Timeout | null = null;
  private readonly lag: LagMonitor;
  private stopping = false;

  constructor(private readonly deps: Deps, private readonly store: WormStore, private readonly storeConfig: WormStoreConfig) {
    this.consumer = deps.kafka.consumer({
      groupId: `${deps.config.KAFKA_TOPIC_PREFIX}stateset.audit-sink`,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
    });
    this.lag = new LagMonitor(deps.kafka, `${deps.config.KAFKA_TOPIC_PREFIX}stateset.audit-sink`, [deps.topics.audit],
      deps.metrics.auditSinkLag, deps.logger, (_topic, partition) => ({ partition: String(partition) }));
    store.onSealed = (info) => {
      deps.metrics.auditLastSealed.set(info.at.getTime() / 1000);
      deps.logger.info({ segment: info.segment, records: info.records }, 'audit segment sealed');
    };
  }

  async start(): Promise<void> {
    await this.store.init();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.deps.topics.audit, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (b) => this.onBatch(b) });
    this.sealTimer = setInterval(() => {
      this.store.sealDue().catch((err: unknown) => this.deps.logger.error({ err: String(err) }, 'sealing failed; will retry'));
    }, Math.min(5000, this.deps.config.AUDIT_SEGMENT_MAX_AGE_MS));
    this.lag.start();
    if (this.deps.config.AUDIT_VERIFY_INTERVAL_MS > 0) {
      this.verifyTimer = setInterval(() => void this.verify(), this.deps.config.AUDIT_VERIFY_INTERVAL_MS);
    }
  }

  private get storeKind(): string {
    return this.storeConfig.kind;
  }

  /** Re-verifies the whole store; a failure is counted (and alerted on), never repaired. */
  async verify(): Promise<boolean> {
    try {
      const result = await verifyStore(this.storeConfig);
      if (!result.ok) {
        this.deps.metrics.auditVerificationFailures.inc();
        this.deps.logger.error({ kind: result.kind, segment: result.segment, sequence: result.sequence, reason: result.reason }, 'AUDIT STORE VERIFICATION FAILED');
      }
      return result.ok;
    } catch (err) {
      this.deps.metrics.auditVerificationFailures.inc();
      this.deps.logger.error({ err: String(err) }, 'audit store verification could not run');
      return false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sealTimer) clearInterval(this.sealTimer);
    if (this.verifyTimer) clearInterval(this.verifyTimer);
    await this.lag.stop();
    await this.consumer.disconnect();
    await this.store.close();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const entries: AuditEntry[] = [];
    for (const m of batch.messages) {
      let record: AuditRecord;
      try {
        record = (await this.deps.codec.decode(m.value)) as unknown as AuditRecord;
      } catch (err) {
        if (isRetriable(err)) throw err; // registry down: the batch is redelivered
        // An undecodable audit message is itself evidence: keep it in the trail, do not drop it.
        record = undecodableRecord(batch.partition, m.offset, err);
      }
      entries.push({ partition: batch.partition, offset: m.offset, record });
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const end = this.deps.metrics.auditPersistDuration.startTimer({ store: this.storeKind });
        await this.store.append(entries);
        end();
        break;
      } catch (err) {
        if (this.stopping) throw err;
        this.deps.logger.error({ err: String(err), attempt }, 'audit store append failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** attempt)));
        await heartbeat();
      }
    }
    this.deps.metrics.auditRecordsWritten.inc({ store: this.storeKind }, entries.length);
    await this.index(entries);
    const last = batch.messages[batch.messages.length - 1]!;
    resolveOffset(last.offset);
    await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] }] });
    await heartbeat();
  }

  /** Query index for auditors; the store is already durable, so a failure here only delays queries. */
  private async index(entries: AuditEntry[]): Promise<void> {
    const rows: AuditEventRow[] = entries.map(({ partition, offset, record: r }) => ({
      eventId: r.eventId, tenantId: r.tenantId, occurredAt: new Date(r.occurredAt), principal: r.principal, action: r.action,
      resourceType: r.resourceType, resourceId: r.resourceId, outcome: r.outcome, requestId: r.requestId,
      operationId: r.operationId && /^[0-9a-f-]{36}$/i.test(r.operationId) ? r.operationId : null,
      sourceIp: r.sourceIp, userAgent: r.userAgent, details: r.details, kafkaPartition: partition, kafkaOffset: offset,
    }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.orm.em.fork().createQueryBuilder(AuditEvent).insert(rows).onConflict('eventId').ignore().execute('run');
        return;
      } catch (err) {
        if (this.stopping || attempt >= 5) {
          this.deps.logger.error({ err: String(err) }, 'audit index write failed');
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }
}

function undecodableRecord(partition: number, offset: string, err: unknown): AuditRecord {
  return {
    eventId: `00000000-0000-4000-8000-${(partition * 1e9 + Number(offset)).toString(16).padStart(12, '0').slice(-12)}`,
    occurredAt: new Date().toISOString(),
    tenantId: null, principal: 'system:audit-sink', action: 'audit.undecodable', resourceType: 'kafka_message',
    resourceId: `${partition}:${offset}`, outcome: 'failure', requestId: null, operationId: null, sourceIp: null, userAgent: null,
    details: JSON.stringify({ error: err instanceof Error ? err.message.slice(0, 200) : String(err) }),
  };
}
