/**
 * The `audit_events` query index, written after the WORM store made a batch durable: one multi-row
 * `INSERT … SELECT … FROM json_to_recordset($1::json) … ON CONFLICT DO NOTHING` per chunk of rows, sent
 * through the ORM's own pool with one bound parameter (the rows as a JSON array), far below
 * PostgreSQL's 65535 parameters per statement; chunks only bound the size of one statement.
 * Measured here (100k rows, 3 indexes, same server time): a VALUES list of 4369 rows with 65535 bound
 * parameters is planned slowly (~4× the server time); unnest($1::uuid[], …) is as fast on the server but
 * pg's array escaping costs ~3× the client CPU of one JSON.stringify.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AuditEntry } from './store';

const COLUMNS: readonly (readonly [string, string])[] = [
  ['event_id', 'uuid'],
  ['tenant_id', 'text'],
  ['occurred_at', 'timestamptz'],
  ['principal', 'text'],
  ['action', 'text'],
  ['resource_type', 'text'],
  ['resource_id', 'text'],
  ['outcome', 'text'],
  ['request_id', 'text'],
  ['operation_id', 'uuid'],
  ['source_ip', 'text'],
  ['user_agent', 'text'],
  ['details', 'text'],
  ['kafka_partition', 'int'],
  ['kafka_offset', 'bigint'],
];
const NAMES = COLUMNS.map(([c]) => c).join(',');
export const INDEX_SQL =
  `insert into audit_events (${NAMES}) select ${NAMES} from json_to_recordset($1::json) ` +
  `as r(${COLUMNS.map(([c, t]) => `${c} ${t}`).join(',')}) on conflict (event_id) do nothing`;
/** rows per statement at most (bounds one statement's size, not a parameter limit) */
export const MAX_ROWS_PER_INSERT = 10_000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IndexRow {
  event_id: string;
  tenant_id: string | null;
  occurred_at: string;
  principal: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: string;
  request_id: string | null;
  operation_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  details: string | null;
  kafka_partition: number;
  kafka_offset: string;
}

/** The index row of an entry; null when it cannot be indexed (an eventId that is not a UUID). */
export function indexRow({ partition, offset, record: r }: AuditEntry): IndexRow | null {
  if (!UUID_RE.test(r.eventId)) return null;
  return {
    event_id: r.eventId,
    tenant_id: r.tenantId,
    occurred_at: r.occurredAt,
    principal: r.principal,
    action: r.action,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    outcome: r.outcome,
    request_id: r.requestId,
    operation_id: r.operationId && UUID_RE.test(r.operationId) ? r.operationId : null,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    details: r.details,
    kafka_partition: partition,
    kafka_offset: offset,
  };
}

export interface IndexWriteResult {
  statements: number;
  rows: number;
  skipped: number;
}

/** Inserts the index rows of `entries`: one statement per `maxRows` rows (one per batch, as the sink calls it). */
export async function writeIndex(orm: MikroORM, entries: readonly AuditEntry[], maxRows = MAX_ROWS_PER_INSERT): Promise<IndexWriteResult> {
  const client = orm.em.getConnection().getClient();
  const rows: IndexRow[] = [];
  for (const e of entries) {
    const row = indexRow(e);
    if (row) rows.push(row);
  }
  let statements = 0;
  const size = Math.max(1, maxRows);
  for (let i = 0; i < rows.length; i += size) {
    const parameters = [JSON.stringify(rows.slice(i, i + size))];
    // A compiled raw query: the SQL as is, with a bound parameter (MikroORM's execute() would inline it).
    await client.executeQuery({
      sql: INDEX_SQL,
      parameters,
      query: { kind: 'RawNode', sqlFragments: [INDEX_SQL], parameters: [] },
      queryId: { queryId: 'audit-index' },
    });
    statements += 1;
  }
  return { statements, rows: rows.length, skipped: entries.length - rows.length };
}
