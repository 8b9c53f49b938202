import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MicroBatcher } from '../../shared/batching';
import { ConflictError, IdempotencyMismatchError, InputError } from '../../shared/errors';
import { formatExpectedVersion, type ExpectedVersion } from '../../shared/kafka/expected-version';

export interface IdempotencyScope {
  tenantId: string;
  principal: string;
  key: string;
}

/**
 * `resume`: the key was claimed for `operationId` by a request that never finished (its gateway
 * died between the claim and the stored answer); the caller now owns that same operation.
 */
export type Claim = { kind: 'new' } | { kind: 'resume'; operationId: string } | { kind: 'replay'; statusCode: number; body: Record<string, unknown> };

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export function validateIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!KEY_FORMAT.test(key)) throw new InputError('Idempotency-Key must be 1 to 255 visible ASCII characters');
  return key;
}

/** Fingerprint of what makes two requests "the same": method, path, the parsed body and If-Match. */
export function requestFingerprint(method: string, path: string, body: unknown, expectedVersion?: ExpectedVersion): string {
  // If-Match is part of the request: a retry naming another version is another request (422). Without it, as before.
  const condition = expectedVersion === undefined ? '' : `\nif-match ${formatExpectedVersion(expectedVersion)}`;
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}${condition}`)
    .digest('hex');
}

interface ClaimRequest {
  scope: IdempotencyScope;
  fingerprint: string;
  operationId: string;
}

interface Completion {
  scope: IdempotencyScope;
  statusCode: number;
  body: Record<string, unknown>;
}

const scopeId = (s: IdempotencyScope) => JSON.stringify([s.tenantId, s.principal, s.key]);

/**
 * Idempotency records in PostgreSQL. The primary key (tenant, principal, key) makes the first
 * request the only winner of a race; the others see its row. Claims and completions of concurrent
 * requests are each one multi-row statement; an expired record is taken over in the same statement.
 */
export class IdempotencyStore {
  private readonly claims: MicroBatcher<ClaimRequest, boolean>;
  private readonly completions: MicroBatcher<Completion, void>;

  /**
   * @param resumeAfterMs a claim without an answer for this long belongs to a request that is dead
   * (no request lives that long: claim, one publication bounded by the broker timeout, one insert);
   * the next request with the key takes it over — same operation id — instead of a 409 until expiry.
   */
  constructor(
    private readonly orm: MikroORM,
    private readonly ttlHours: number,
    private readonly resumeAfterMs = 30_000,
  ) {
    this.claims = new MicroBatcher((reqs) => this.claimMany(reqs));
    this.completions = new MicroBatcher((cs) => this.completeMany(cs));
  }

  async claim(scope: IdempotencyScope, fingerprint: string, operationId: string): Promise<Claim> {
    if (await this.claims.add({ scope, fingerprint, operationId })) return { kind: 'new' };
    const [row] = await this.orm.em
      .fork()
      .execute<{ fingerprint: string; status_code: number | null; response_body: Record<string, unknown> | null }[]>(
        'select fingerprint, status_code, response_body from idempotency_keys where tenant_id = ? and principal = ? and key = ?',
        [scope.tenantId, scope.principal, scope.key],
      );
    if (!row) throw new ConflictError('the request with this Idempotency-Key is still being processed');
    if (row.fingerprint !== fingerprint) throw new IdempotencyMismatchError('this Idempotency-Key was used with a different request');
    if (row.status_code === null || !row.response_body) {
      const resumed = await this.takeOverAbandoned(scope, fingerprint);
      if (resumed) return { kind: 'resume', operationId: resumed };
      throw new ConflictError('the request with this Idempotency-Key is still being processed');
    }
    return { kind: 'replay', statusCode: row.status_code, body: row.response_body };
  }

  complete(scope: IdempotencyScope, statusCode: number, body: Record<string, unknown>): Promise<void> {
    return this.completions.add({ scope, statusCode, body });
  }

  /**
   * One statement, so of several retries only one takes an abandoned claim over (its clock restarts):
   * the operation id stays, because the dead request may have published the command already.
   */
  private async takeOverAbandoned(scope: IdempotencyScope, fingerprint: string): Promise<string | undefined> {
    const [row] = await this.orm.em.fork().execute<{ operation_id: string }[]>(
      `update idempotency_keys set created_at = now()
       where tenant_id = ? and principal = ? and key = ? and fingerprint = ? and status_code is null
         and created_at < now() - make_interval(secs => ?)
       returning operation_id`,
      [scope.tenantId, scope.principal, scope.key, fingerprint, this.resumeAfterMs / 1000],
    );
    return row?.operation_id;
  }

  /** The request failed before it was accepted: the key is free again. */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.orm.em
      .fork()
      .execute('delete from idempotency_keys where tenant_id = ? and principal = ? and key = ? and status_code is null', [
        scope.tenantId,
        scope.principal,
        scope.key,
      ]);
  }

  private async claimMany(reqs: ClaimRequest[]): Promise<boolean[]> {
    // One statement may not touch a row twice: a key repeated within the batch is claimed by its
    // first request only; the others then find the row in flight (409) or finished (replay).
    const first = new Map<string, ClaimRequest>();
    for (const r of reqs) if (!first.has(scopeId(r.scope))) first.set(scopeId(r.scope), r);
    const values: unknown[] = [];
    const tuples = [...first.values()].map((r) => {
      values.push(r.scope.tenantId, r.scope.principal, r.scope.key, r.fingerprint, r.operationId, this.ttlHours);
      return '(?, ?, ?, ?, ?, now(), now() + make_interval(hours => ?))';
    });
    const claimed = await this.orm.em.fork().execute<{ tenant_id: string; principal: string; key: string }[]>(
      `insert into idempotency_keys as k (tenant_id, principal, key, fingerprint, operation_id, created_at, expires_at)
       values ${tuples.join(', ')}
       on conflict (tenant_id, principal, key) do update set
         fingerprint = excluded.fingerprint, operation_id = excluded.operation_id, status_code = null,
         response_body = null, created_at = excluded.created_at, expires_at = excluded.expires_at
       where k.expires_at < now()
       returning tenant_id, principal, key`,
      values,
    );
    const won = new Set(claimed.map((c) => scopeId({ tenantId: c.tenant_id, principal: c.principal, key: c.key })));
    return reqs.map((r) => first.get(scopeId(r.scope)) === r && won.has(scopeId(r.scope)));
  }

  private async completeMany(cs: Completion[]): Promise<void[]> {
    const values: unknown[] = [];
    const tuples = cs.map((c) => {
      values.push(c.scope.tenantId, c.scope.principal, c.scope.key, c.statusCode, JSON.stringify(c.body));
      return '(?::text, ?::text, ?::text, ?::int, ?::jsonb)';
    });
    await this.orm.em.fork().execute(
      `update idempotency_keys k set status_code = v.status_code, response_body = v.body
       from (values ${tuples.join(', ')}) as v (tenant_id, principal, key, status_code, body)
       where k.tenant_id = v.tenant_id and k.principal = v.principal and k.key = v.key`,
      values,
    );
    return cs.map(() => undefined);
  }
}
