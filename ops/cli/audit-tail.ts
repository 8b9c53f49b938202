import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import type { Config } from '../../shared/config';
import { AuditEvent, initORM, type AuditEventRow } from '../../shared/orm';

export interface AuditTailFilter {
  tenant?: string;
  action?: string;
}

export interface AuditLine {
  eventId: string;
  occurredAt: string;
  tenantId: string | null;
  principal: string | null;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  operationId: string | null;
  requestId: string | null;
  details: unknown;
  partition: number;
  offset: string;
}

function lineOf(r: AuditEventRow): AuditLine {
  let details: unknown = r.details;
  try {
    details = r.details ? JSON.parse(r.details) : null;
  } catch {
    // kept as text
  }
  return {
    eventId: r.eventId,
    occurredAt: r.occurredAt.toISOString(),
    tenantId: r.tenantId,
    principal: r.principal,
    action: r.action,
    outcome: r.outcome,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    operationId: r.operationId,
    requestId: r.requestId,
    details,
    partition: r.kafkaPartition,
    offset: String(r.kafkaOffset),
  };
}

/**
 * `stateset audit tail`: reads the audit_events index, which the sink writes only after the WORM store
 * made a batch durable — so a line shown is a record kept. The last `count` records, then with
 * `follow` each new one as it is indexed: the sink indexes a partition in offset order, so "after the
 * highest matching offset of each partition" misses nothing and repeats nothing (occurredAt would
 * miss: a record can be indexed after later-stamped ones from another partition).
 */
export async function tailAudit(
  config: Config,
  filter: AuditTailFilter,
  opts: { count: number; follow: boolean; intervalMs: number; onLine: (l: AuditLine) => void; signal?: AbortSignal },
): Promise<void> {
  const orm = await initORM(config);
  try {
    const base: FilterQuery<AuditEventRow> = {};
    if (filter.tenant) base.tenantId = filter.tenant;
    if (filter.action) base.action = filter.action;
    const recent = await orm.em.fork().find(AuditEvent, base, { orderBy: { occurredAt: 'desc', eventId: 'desc' }, limit: opts.count });
    recent.reverse().forEach((r) => opts.onLine(lineOf(r)));
    if (!opts.follow) return;
    const seen = await highestOffsets(orm, filter);
    while (!opts.signal?.aborted) {
      await new Promise((r) => setTimeout(r, opts.intervalMs));
      const after: FilterQuery<AuditEventRow>[] = [...seen].map(([p, o]) => ({ kafkaPartition: p, kafkaOffset: { $gt: o } }));
      after.push({ kafkaPartition: { $nin: [...seen.keys()] } });
      const rows = await orm.em
        .fork()
        .find(AuditEvent, { $and: [base, { $or: after }] }, { orderBy: { occurredAt: 'asc', kafkaPartition: 'asc', kafkaOffset: 'asc' }, limit: 1000 });
      for (const r of rows) {
        const p = r.kafkaPartition;
        if (BigInt(r.kafkaOffset) > BigInt(seen.get(p) ?? '-1')) seen.set(p, String(r.kafkaOffset));
        opts.onLine(lineOf(r));
      }
    }
  } finally {
    await orm.close(true);
  }
}

/** Per partition, the highest offset of a matching record: a new match can only come after it. */
async function highestOffsets(orm: MikroORM, filter: AuditTailFilter): Promise<Map<number, string>> {
  const rows: { kafka_partition: number; max: string }[] = await orm.em
    .getConnection()
    .execute(
      'select kafka_partition, max(kafka_offset)::text as max from audit_events where (?::text is null or tenant_id = ?) and (?::text is null or action = ?) group by kafka_partition',
      [filter.tenant ?? null, filter.tenant ?? null, filter.action ?? null, filter.action ?? null],
    );
  return new Map(rows.map((r) => [Number(r.kafka_partition), r.max]));
}
