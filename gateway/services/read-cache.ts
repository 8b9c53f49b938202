import type { PgListener } from '../../shared/notify';

export interface ReadCacheOptions {
  /** Entries kept (least recently used dropped first); 0 turns the cache off. */
  maxEntries: number;
  /** Safety net: an entry is re-read after this long even if no invalidation came. */
  ttlMs: number;
}

export type ReadCacheResult = 'hit' | 'miss' | 'bypass';

/** A serialized answer; `pending` marks a resource still changing (an operation not done yet). */
export interface CachedAnswer {
  body: string;
  pending?: boolean;
  /** The ETag of the row the body was made from (kept with it, so the two never disagree). */
  etag?: string;
}

interface Entry {
  tenantId: string;
  answer: CachedAnswer;
  storedAt: number;
}

interface Flight {
  tenantId: string;
  load: Promise<CachedAnswer | null>;
  invalidated: boolean;
}

/**
 * Serialized GET answers of single resources, keyed `<table>:<id>`, dropped when PostgreSQL says the
 * row changed (`row_changed` and `operation_done` notifications, delivered at commit). A load that
 * an invalidation overtakes is answered but not kept, so a stale row never outlives the
 * notification that condemned it. While the listening connection is down the cache is bypassed,
 * and it is emptied when the connection comes back (notifications may have been missed). An entry
 * is served only to the tenant that owns the row.
 */
export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();

  constructor(
    private readonly listener: PgListener | null,
    private readonly opts: ReadCacheOptions,
    private readonly onResult: (result: ReadCacheResult) => void = () => undefined,
  ) {
    if (!listener || opts.maxEntries <= 0) return;
    listener.on(listener.channel('row_changed'), (payload) => (payload ? this.invalidate(payload) : this.clear()));
    listener.on(listener.channel('operation_done'), (payload) => (payload ? this.invalidate(`operations:${payload}`) : this.clear()));
  }

  /** The cached body of `key` for `tenantId`, else `load()`'s (null = not found, never kept). */
  async get(key: string, tenantId: string, load: () => Promise<CachedAnswer | null>): Promise<CachedAnswer | null> {
    if (this.opts.maxEntries <= 0 || !this.listener?.connected) {
      this.onResult('bypass');
      return load();
    }
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.tenantId === tenantId && now - hit.storedAt < this.opts.ttlMs) {
      this.onResult('hit');
      return hit.answer;
    }
    this.onResult('miss');
    const flying = this.flights.get(key);
    if (flying && flying.tenantId === tenantId) return flying.load;
    if (flying) return load();
    const flight: Flight = { tenantId, load: load(), invalidated: false };
    this.flights.set(key, flight);
    try {
      const answer = await flight.load;
      if (answer !== null && !flight.invalidated && this.listener.connected) this.store(key, { tenantId, answer, storedAt: now });
      return answer;
    } finally {
      this.flights.delete(key);
    }
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    const f = this.flights.get(key);
    if (f) f.invalidated = true;
  }

  clear(): void {
    this.entries.clear();
    for (const f of this.flights.values()) f.invalidated = true;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
