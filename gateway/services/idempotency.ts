import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConflictError, IdempotencyMismatchError, InputError } from '../../shared/errors';

export interface IdempotencyScope {
  tenantId: string;
  principal: string;
  key: string;
}

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; statusCode: number; body: Record<string, unknown> };

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export function validateIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY_FORMAT.test(key)) throw new InputError('Idempotency-Key must be 1 to 255 visible ASCII characters');
  return key;
}

/** Fingerprint of what makes two requests "the same": method, path and the parsed body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * Idempotency records in PostgreSQL. The primary key (tenant, principal, key) makes the first
 * request the only winner of a race; the others see its row.
 */
export class IdempotencyStore {
  constructor(private readonly orm: MikroORM, private readonly ttlHours: number) {}

  async claim(scope: IdempotencyScope, fingerprint: string, operationId: string): Promise<Claim> {
    const conn = this.orm.em.fork().getConnection();
    // An expired record no longer protects anything; the key may be used afresh.
    await conn.execute('delete from idempotency_keys where tenant_id = ? and principal = ? and key = ? and expires_at < now()', [scope.tenantId, scope.principal, scope.key]);
    const inserted = await conn.execute<{ key: string }[]>(
      `insert into idempotency_keys (tenant_id, principal, key, fingerprint, operation_id, created_at, expires_at)
       values (?, ?, ?, ?, ?, now(), now() + make_interval(hours => ?))
       on conflict do nothing returning key`,
      [scope.tenantId, scope.principal, scope.key, fingerprint, operationId, this.ttlHours],
    );
    if (inserted.length === 1) return { kind: 'new' };
    const [row] = await conn.execute<{ fingerprint: string; status_code: number | null; response_body: Record<string, unknown> | null }[]>(
      'select fingerprint, status_code, response_body from idempotency_keys where tenant_id = ? and principal = ? and key = ?',
      [scope.tenantId, scope.principal, scope.key],
    );
    if (!row) throw new ConflictError('the request with this Idempotency-Key is still being processed');
    if (row.fingerprint !== fingerprint) throw new IdempotencyMismatchError('this Idempotency-Key was used with a different request');
    if (row.status_code === null || !row.response_body) throw new ConflictError('the request with this Idempotency-Key is still being processed');
    return { kind: 'replay', statusCode: row.status_code, body: row.response_body };
  }

  async complete(scope: IdempotencyScope, statusCode: number, body: Record<string, unknown>): Promise<void> {
    await this.orm.em.fork().getConnection().execute(
      'update idempotency_keys set status_code = ?, response_body = ?::jsonb where tenant_id = ? and principal = ? and key = ?',
      [statusCode, JSON.stringify(body), scope.tenantId, scope.principal, scope.key],
    );
  }

  /** The request failed before it was accepted: the key is free again. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.orm.em.fork().getConnection().execute(
      'delete from idempotency_keys where tenant_id = ? and principal = ? and key = ? and status_code is null',
      [scope.tenantId, scope.principal, scope.key],
    );
  }
}
