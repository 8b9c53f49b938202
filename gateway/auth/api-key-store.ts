import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApiKey, type ApiKeyRow } from '../../shared/orm';
import { AuthenticationError } from '../../shared/errors';
import type { Permission } from '../../schemas/catalog';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-secret';
import { earliest, type Principal } from './principal';
import { keysetPage, type Page, type PageQuery } from '../http/pagination';
import { loadOwned } from '../http/tenant-queries';

interface CacheEntry {
  row: ApiKeyRow | null;
  fetchedAt: number;
}

/** Whether a key may still be used, whose it is, and until when. */
export interface KeyStatus {
  status: 'active' | 'revoked' | 'expired';
  permissions: readonly string[];
  tenantId: string | null;
  endsAt: Date | null;
}

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The only time the full key exists outside the client. */
  secret: string;
}

/**
 * API keys in PostgreSQL. Lookups are cached for at most `cacheTtlMs` (≤ 5 s by config), so a
 * revoked or expired key is refused by every gateway instance within that time.
 */
export class ApiKeyStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly pepper: string,
    private readonly env: 'live' | 'test',
    private readonly cacheTtlMs: number,
    private readonly onLookup: (source: 'cache' | 'database') => void = () => undefined,
    /** API_KEY_PEPPER_PREVIOUS: accepted during a rotation, and replaced by the current pepper on use */
    private readonly previousPepper?: string,
  ) {}

  async authenticate(raw: string, now = new Date()): Promise<Principal> {
    const parsed = parseApiKey(raw);
    if (!parsed) throw new AuthenticationError('malformed', 'api_key');
    const row = await this.lookup(parsed.keyId);
    if (!row) throw new AuthenticationError('unknown_key', 'api_key', parsed.keyId);
    if (!secretMatches(this.pepper, parsed.secret, row.secretHash)) {
      if (!this.previousPepper || !secretMatches(this.previousPepper, parsed.secret, row.secretHash)) {
        throw new AuthenticationError('unknown_key', 'api_key', parsed.keyId);
      }
      this.rehash(row, parsed.secret);
    }
    if (row.revokedAt && row.revokedAt <= now) throw new AuthenticationError('revoked', 'api_key', parsed.keyId);
    if (row.expiresAt && row.expiresAt <= now) throw new AuthenticationError('expired', 'api_key', parsed.keyId);
    this.touch(row.id, now);
    return {
      tenantId: row.tenantId,
      id: `api-key:${row.keyId}`,
      scheme: 'api_key',
      keyId: row.keyId,
      permissions: new Set(row.permissions as Permission[]),
      expiresAt: earliest(row.expiresAt, row.revokedAt),
    };
  }

  /** Whether a key (by its public id) may still be used: tokens exchanged for it follow its fate. */
  async status(keyId: string, now = new Date()): Promise<KeyStatus> {
    const row = await this.lookup(keyId);
    if (!row || (row.revokedAt && row.revokedAt <= now)) return { status: 'revoked', permissions: [], tenantId: row?.tenantId ?? null, endsAt: null };
    if (row.expiresAt && row.expiresAt <= now) return { status: 'expired', permissions: [], tenantId: row.tenantId, endsAt: null };
    return { status: 'active', permissions: row.permissions, tenantId: row.tenantId, endsAt: earliest(row.expiresAt, row.revokedAt) };
  }

  private async lookup(keyId: string): Promise<ApiKeyRow | null> {
    const hit = this.cache.get(keyId);
    if (hit && Date.now() - hit.fetchedAt < this.cacheTtlMs) {
      this.onLookup('cache');
      return hit.row;
    }
    this.onLookup('database');
    const row = await this.orm.em.fork().findOne(ApiKey, { keyId });
    this.cache.set(keyId, { row, fetchedAt: Date.now() });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return row;
  }

  /**
   * A key verified with the previous pepper gets its hash under the current one, so the old pepper
   * can be retired once every key in use has been seen. Off the request path; a failure only means
   * the next use tries again.
   */
  private rehash(row: ApiKeyRow, secret: string): void {
    const secretHash = hashSecret(this.pepper, secret);
    row.secretHash = secretHash;
    void this.orm.em
      .fork()
      .nativeUpdate(ApiKey, { id: row.id }, { secretHash })
      .catch(() => undefined);
  }

  /** Last-use time is written at most once a minute per key, off the request path. */
  private touch(id: string, now: Date): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (now.getTime() - last < 60_000) return;
    this.lastUsedWritten.set(id, now.getTime());
    void this.orm.em
      .fork()
      .nativeUpdate(ApiKey, { id }, { lastUsedAt: now })
      .catch(() => undefined);
  }

  async create(input: {
    tenantId: string;
    name: string;
    role: string;
    permissions: readonly Permission[];
    createdBy: string;
    expiresAt?: Date | null;
    rotatedFrom?: string | null;
  }): Promise<CreatedApiKey> {
    const key = generateApiKey(this.env);
    const row: ApiKeyRow = {
      id: randomUUID(),
      tenantId: input.tenantId,
      keyId: key.keyId,
      secretHash: hashSecret(this.pepper, key.secret),
      name: input.name,
      role: input.role,
      permissions: [...input.permissions],
      createdBy: input.createdBy,
      redacted: key.redacted,
      createdAt: new Date(),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
      rotatedFrom: input.rotatedFrom ?? null,
    };
    await this.orm.em.fork().insert(ApiKey, row);
    return { row, secret: key.raw };
  }

  async get(tenantId: string, id: string): Promise<ApiKeyRow> {
    return loadOwned(this.orm, ApiKey, tenantId, { id }, 'api key');
  }

  /** Oldest first: a key made while someone pages through the list lands on its last page. */
  async list(tenantId: string, q: PageQuery): Promise<Page<ApiKeyRow>> {
    return keysetPage(this.orm.em.fork(), ApiKey, { tenantId }, q, { time: 'createdAt', id: 'id', order: 'asc' });
  }

  /** Revokes at `at` (now, or later for a rotation overlap). Revoking twice keeps the earlier time. */
  async revoke(tenantId: string, id: string, at = new Date()): Promise<ApiKeyRow> {
    const row = await this.get(tenantId, id);
    if (!row.revokedAt || row.revokedAt > at) {
      await this.orm.em.fork().nativeUpdate(ApiKey, { id, tenantId }, { revokedAt: at });
      row.revokedAt = at;
    }
    this.cache.delete(row.keyId);
    return row;
  }
}
