import type { MikroORM } from '@mikro-orm/postgresql';
import { MicroBatcher } from '../../shared/batching';
import { Operation, type OperationRow } from '../../shared/orm';
import type { AuditRecord } from '../../shared/audit';
import { AUDIT_SCHEMA_FILE } from '../../schemas/catalog';

/** The outbox row of an accepted command's audit record (shared/outbox auditMessage). */
export interface AcceptedAudit {
  topic: string;
  key: string;
  headers: Record<string, string>;
  record: AuditRecord;
}

const COLUMNS = 'id, tenant_id, type, status, principal, request_id, resource_type, resource_id, error, created_at, updated_at';

/**
 * The gateway's writes of accepted operations: the rows of concurrent requests go out as one
 * multi-row INSERT (no ORM unit of work, no transaction per request). The worker may have finished
 * first and written the row already: its outcome is never overwritten, and only then is it read back.
 */
export class OperationStore {
  private readonly inserts: MicroBatcher<{ op: OperationRow; audit: AcceptedAudit }, boolean>;

  constructor(private readonly orm: MikroORM) {
    this.inserts = new MicroBatcher((rows) => this.insertMany(rows));
  }

  /** The operation row and its audit record's outbox row, committed together (the audit row always: the worker may have written the operation first). */
  async recordAccepted(op: OperationRow, audit: AcceptedAudit): Promise<OperationRow> {
    const inserted = await this.inserts.add({ op, audit });
    if (inserted) return op;
    return (await this.orm.em.fork().findOne(Operation, { id: op.id })) ?? op;
  }

  async find(id: string): Promise<OperationRow | null> {
    return this.orm.em.fork().findOne(Operation, { id });
  }

  /**
   * A resumed claim's record (rare: a gateway died mid-request): the operation row if missing, and
   * the command.accepted record unless the dead request wrote it (its statement wrote both or
   * neither; a worker that applied the command first writes no accepted record). One statement.
   */
  async recordResumed(op: OperationRow, audit: AcceptedAudit): Promise<OperationRow> {
    await this.orm.em.fork().execute(
      `with accepted as (insert into operations (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) on conflict (id) do nothing)
       insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at)
       select ?, ?, 'audit', ?, ?::jsonb, ?::jsonb, ?::timestamptz
       where not exists (select 1 from outbox where topic = ? and record_name = 'audit'
                         and payload->>'action' = 'command.accepted' and payload->>'operationId' = ?)`,
      [
        op.id,
        op.tenantId,
        op.type,
        op.status,
        op.principal,
        op.requestId,
        op.resourceType,
        op.resourceId,
        op.error === null ? null : JSON.stringify(op.error),
        op.createdAt,
        op.updatedAt,
        audit.topic,
        audit.key,
        AUDIT_SCHEMA_FILE,
        JSON.stringify({ ...audit.record }),
        JSON.stringify(audit.headers),
        audit.record.occurredAt,
        audit.topic,
        op.id,
      ],
    );
    return (await this.find(op.id)) ?? op;
  }

  private async insertMany(items: { op: OperationRow; audit: AcceptedAudit }[]): Promise<boolean[]> {
    const rows = items.map((i) => i.op);
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      values.push(
        r.id,
        r.tenantId,
        r.type,
        r.status,
        r.principal,
        r.requestId,
        r.resourceType,
        r.resourceId,
        r.error === null ? null : JSON.stringify(r.error),
        r.createdAt,
        r.updatedAt,
      );
      return '(?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)';
    });
    const audits = items.map(({ audit }) => {
      values.push(
        audit.topic,
        audit.key,
        'audit',
        AUDIT_SCHEMA_FILE,
        JSON.stringify({ ...audit.record }),
        JSON.stringify(audit.headers),
        audit.record.occurredAt,
      );
      return '(?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::timestamptz)';
    });
    // One statement, so one implicit transaction: no operation row without its audit row.
    const inserted = await this.orm.em.fork().execute<{ id: string }[]>(
      `with accepted as (insert into operations (${COLUMNS}) values ${tuples.join(', ')} on conflict (id) do nothing returning id),
            audited as (insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at) values ${audits.join(', ')})
       select id from accepted`,
      values,
    );
    const ids = new Set(inserted.map((r) => r.id));
    return rows.map((r) => ids.has(r.id));
  }
}
