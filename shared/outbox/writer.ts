import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent, Outbox, type DomainEventRow, type OutboxRow } from '../orm';
import { AUDIT_SCHEMA_FILE, findEvent, type EventPayloads, type EventType } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import { buildAuditRecord, type AuditInput, type AuditRecord } from '../audit';

/** The operation id of work no command asked for (a timer's: shared/worker/context.ts NO_OPERATION). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** What a handler writes of an event: the outbox adds the self-description (`tenantId`, `version`). */
export type EventBody<T extends EventType> = Omit<EventPayloads[T], 'tenantId' | 'version'>;

/** The row an event is about (its optimistic-lock column); null when the event changed no versioned row. */
export interface Versioned {
  readonly version: number;
}

export interface EventEnvelope {
  tenantId: string;
  principal: string;
  operationId: string;
  requestId: string;
  traceparent?: string;
}

/**
 * Adds messages to the outbox inside the caller's transaction, so that a committed change always
 * has its events and audit records, and a rolled-back one has none. A domain event is also kept in
 * the `events` table (the tenants' feed, GET /v1/events), in the same unit of work: both are
 * multi-row inserts of the same flush.
 */
export class OutboxWriter {
  /** Events whose `version` is read once their resource is flushed (MikroORM increments it then). */
  private unsettled: { row: OutboxRow; feed: DomainEventRow; about: Versioned }[] = [];

  constructor(
    private readonly em: EntityManager,
    private readonly topics: TopicNames,
  ) {}

  /**
   * Adds event `type` about `about` (null: it changed no versioned row, version 0). Its `version`
   * is the row's version after the change, known only once the row is flushed: settleVersions()
   * reads it, after the resource's flush and before the outbox rows' own.
   */
  event<T extends EventType>(type: T, payload: EventBody<T>, env: EventEnvelope, about: Versioned | null): void {
    const def = findEvent(type);
    if (!def) throw new Error(`unknown event type ${type}`);
    const fields: Record<string, unknown> = { ...payload, tenantId: env.tenantId, version: about?.version ?? 0 };
    const key = String(fields[def.keyField]);
    const topic = this.topics.events(def.domain);
    const eventId = randomUUID();
    const occurredAt = new Date();
    const row = this.add({
      topic,
      messageKey: key,
      recordName: type,
      schemaFile: def.schemaFile,
      payload: fields,
      headers: {
        'event-id': eventId,
        'event-type': type,
        'operation-id': env.operationId,
        'tenant-id': env.tenantId,
        principal: env.principal,
        'request-id': env.requestId,
        'occurred-at': occurredAt.toISOString(),
        ...(env.traceparent ? { traceparent: env.traceparent } : {}),
      },
    });
    const feed = this.em.create(DomainEvent, {
      id: eventId,
      tenantId: env.tenantId,
      type,
      topic,
      aggregateId: key,
      operationId: env.operationId === NIL_UUID ? null : env.operationId,
      payload: fields,
      occurredAt,
    } as DomainEventRow);
    if (about) this.unsettled.push({ row, feed, about });
  }

  /**
   * Writes into each event added since the last call the version its resource has now. Call it
   * after the flush that wrote the resources and before the one that writes the outbox rows (the
   * outbox rows live in a unit of work of their own for this reason).
   */
  settleVersions(): void {
    for (const { row, feed, about } of this.unsettled) {
      if (!Number.isSafeInteger(about.version) || about.version < 1) throw new Error(`event ${row.recordName} is about a row without a version`);
      row.payload = { ...row.payload, version: about.version };
      feed.payload = row.payload;
    }
    this.unsettled = [];
  }

  audit(input: AuditInput): AuditRecord {
    const record = buildAuditRecord(input);
    const { topic, key, headers } = auditMessage(record, this.topics);
    this.add({
      topic,
      messageKey: key,
      recordName: 'audit',
      schemaFile: AUDIT_SCHEMA_FILE,
      payload: { ...record },
      headers,
    });
    return record;
  }

  private add(row: Omit<OutboxRow, 'id' | 'createdAt' | 'publishedAt'>): OutboxRow {
    return this.em.create(Outbox, { ...row, createdAt: new Date(), publishedAt: null } as OutboxRow);
  }
}

/** Where an audit record goes and with which headers, whether it leaves through the outbox or with its command. */
export function auditMessage(record: AuditRecord, topics: TopicNames): { topic: string; key: string; headers: Record<string, string> } {
  return {
    topic: topics.audit,
    key: record.tenantId ?? record.eventId,
    headers: {
      'event-id': record.eventId,
      'event-type': `audit.${record.action}`,
      'operation-id': record.operationId ?? '',
      'tenant-id': record.tenantId ?? '',
      principal: record.principal ?? '',
      'request-id': record.requestId ?? '',
      'occurred-at': record.occurredAt,
    },
  };
}
