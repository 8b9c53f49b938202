import type { EntityManager } from '@mikro-orm/postgresql';
import type { HandlerContext } from '../../../shared/worker';

type Row = Record<string, unknown>;

function matches(row: Row, where: Row): boolean {
  return Object.entries(where).every(([k, v]) => {
    if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const op = v as { $ne?: unknown; $in?: unknown[] };
      if ('$ne' in op) return row[k] !== op.$ne;
      if ('$in' in op) return (op.$in ?? []).includes(row[k]);
    }
    return row[k] === v;
  });
}

/**
 * Just enough of an EntityManager for handlers that find, find one and create: rows live in memory
 * per entity, filters support equality, $ne and $in. No database, no I/O (unit tier).
 */
export class FakeEm {
  private readonly tables = new Map<unknown, Row[]>();

  /** Rows are kept as given (not copied): a test can read what a handler changed on them. */
  seed(entity: unknown, ...rows: object[]): this {
    this.rows(entity).push(...(rows as Row[]));
    return this;
  }

  rows(entity: unknown): Row[] {
    let t = this.tables.get(entity);
    if (!t) this.tables.set(entity, (t = []));
    return t;
  }

  async findOne(entity: unknown, where: Row): Promise<Row | null> {
    return this.rows(entity).find((r) => matches(r, where)) ?? null;
  }

  async find(entity: unknown, where: Row): Promise<Row[]> {
    return this.rows(entity).filter((r) => matches(r, where));
  }

  /** Raw statements (e.g. advisory locks) change no rows here; they are recorded for tests to inspect. */
  readonly statements: { sql: string; params: unknown[] }[] = [];

  async execute(sql: string, params: unknown[] = []): Promise<Row[]> {
    this.statements.push({ sql, params });
    return [];
  }

  create(entity: unknown, data: Row): Row {
    this.rows(entity).push(data);
    return data;
  }
}

export interface Recorded {
  events: { type: string; payload: Record<string, unknown> }[];
  changes: { resourceType: string; id: string; from: string | null; to: string; details?: Record<string, unknown> }[];
}

/** A handler context over a FakeEm that records emitted events and audit state changes. */
export function fakeContext(em: FakeEm, tenantId = 'tenant-a'): HandlerContext & Recorded {
  const events: Recorded['events'] = [];
  const changes: Recorded['changes'] = [];
  return {
    em: em as unknown as EntityManager,
    tenantId,
    principal: 'key:test',
    operationId: '00000000-0000-4000-8000-000000000001',
    requestId: 'req-test',
    logger: undefined as never,
    outbox: undefined as never,
    emit: (type, payload) => {
      events.push({ type, payload });
    },
    stateChanged: (resourceType, id, from, to, details) => {
      changes.push({ resourceType, id, from, to, ...(details ? { details } : {}) });
    },
    events,
    changes,
  };
}
