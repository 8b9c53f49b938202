import type { MikroORM } from '@mikro-orm/postgresql';
import { MicroBatcher } from '../../shared/batching';
import { Operation, type OperationRow } from '../../shared/orm';

const COLUMNS = 'id, tenant_id, type, status, principal, request_id, resource_type, resource_id, error, created_at, updated_at';

/**
 * The gateway's writes of accepted operations: the rows of concurrent requests go out as one
 * multi-row INSERT (no ORM unit of work, no transaction per request). The worker may have finished
 * first and written the row already: its outcome is never overwritten, and only then is it read back.
 */
export class OperationStore {
  private readonly inserts: MicroBatcher<OperationRow, boolean>;

  constructor(private readonly orm: MikroORM) {
    this.inserts = new MicroBatcher((rows) => this.insertMany(rows));
  }

  async recordAccepted(op: OperationRow): Promise<OperationRow> {
    const inserted = await this.inserts.add(op);
    if (inserted) return op;
    return (await this.orm.em.fork().findOne(Operation, { id: op.id })) ?? op;
  }

  private async insertMany(rows: OperationRow[]): Promise<boolean[]> {
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
    const inserted = await this.orm.em
      .fork()
      .execute<{ id: string }[]>(`insert into operations (${COLUMNS}) values ${tuples.join(', ')} on conflict (id) do nothing returning id`, values);
    const ids = new Set(inserted.map((r) => r.id));
    return rows.map((r) => ids.has(r.id));
  }
}
