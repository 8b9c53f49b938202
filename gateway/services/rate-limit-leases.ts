import type { Bucket, BucketState, Decision, RateLimiter } from './rate-limiter';

export interface LeaseOptions {
  /** How long granted hits may be spent in-process; 0 = every request asks Redis. */
  leaseMs: number;
  /** The most hits one Redis call may take. */
  maxHits: number;
}

/** Where a decision came from, for `stateset_rate_limit_decisions_total{source}`. */
export type DecisionSource = 'redis' | 'lease';

interface Lease {
  decision: Decision;
  /** Hits of the grant spent so far (the one that asked counts). */
  spent: number;
  expiresAt: number;
  /** Local time of the grant, to age the reset times it reported. */
  grantedAt: number;
  buckets: Bucket[];
}

interface Slot {
  lease: Lease | null;
  pending: Promise<Lease> | null;
}

/**
 * Spends rate-limit hits taken from Redis in batches (leases), so a busy principal costs one Redis
 * call per batch instead of one per request. The limit stays exact across instances — a hit is
 * recorded in Redis before it is spent — and unspent hits of an expired lease are given back.
 * Concurrent requests of one principal share one call in flight; a refusal is remembered for the
 * lease time, so a client over its budget is answered without Redis too.
 */
export class RateLimitLeases {
  private readonly slots = new Map<string, Slot>();
  private lastSweep = Date.now();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly opts: LeaseOptions,
    private readonly onDecision: (source: DecisionSource) => void = () => undefined,
  ) {}

  async take(buckets: Bucket[]): Promise<Decision> {
    if (this.opts.leaseMs <= 0) {
      this.onDecision('redis');
      return this.limiter.hit(buckets);
    }
    const key = buckets.map((b) => b.key).join('|');
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { lease: null, pending: null };
      this.slots.set(key, slot);
    }
    for (;;) {
      const now = Date.now();
      const l = slot.lease;
      if (l && now < l.expiresAt && (!l.decision.allowed || l.spent < l.decision.granted)) {
        if (l.decision.allowed) l.spent++;
        this.onDecision('lease');
        return view(l, now);
      }
      if (slot.pending) {
        // A failed call fails its waiters too (Redis down is decided by policy, once per request).
        await slot.pending;
        continue;
      }
      const demand = l ? l.spent * 2 : 1;
      if (l) this.giveBack(l);
      slot.lease = null;
      slot.pending = this.grant(buckets, Math.min(this.opts.maxHits, Math.max(1, demand)));
      try {
        const fresh = await slot.pending;
        slot.lease = fresh;
        this.onDecision('redis');
        this.sweep(fresh.grantedAt);
        return view(fresh, fresh.grantedAt);
      } finally {
        slot.pending = null;
      }
    }
  }

  private async grant(buckets: Bucket[], want: number): Promise<Lease> {
    const decision = await this.limiter.hit(buckets, want);
    const now = Date.now();
    return { decision, spent: decision.allowed ? 1 : 0, expiresAt: now + this.opts.leaseMs, grantedAt: now, buckets };
  }

  private giveBack(l: Lease): void {
    if (!l.decision.allowed || l.spent >= l.decision.granted) return;
    // Best effort: an unspent hit that stays recorded only makes the count stricter.
    this.limiter.release(l.buckets, l.decision.leaseId, l.spent + 1, l.decision.granted).catch(() => undefined);
  }

  /** Expired leases are dropped (and their unspent hits given back) at most once per lease time. */
  private sweep(now: number): void {
    if (now - this.lastSweep < Math.max(this.opts.leaseMs, 1000)) return;
    this.lastSweep = now;
    for (const [key, slot] of this.slots) {
      if (slot.pending || (slot.lease && now < slot.lease.expiresAt)) continue;
      if (slot.lease) this.giveBack(slot.lease);
      this.slots.delete(key);
    }
  }
}

/** The decision as this request sees it: unspent hits of the lease still count as remaining. */
function view(l: Lease, now: number): Decision {
  const d = l.decision;
  const unspent = d.allowed ? d.granted - l.spent : 0;
  const aged = Math.floor((now - l.grantedAt) / 1000);
  const state = (s: BucketState, i: number): BucketState => ({
    ...s,
    remaining: l.buckets[i]?.mode === 'consume' ? s.remaining + unspent : s.remaining,
    resetS: Math.max(1, s.resetS - aged),
  });
  return {
    ...d,
    ...(d.blockedBy ? { blockedBy: { ...d.blockedBy, resetS: Math.max(1, d.blockedBy.resetS - aged) } } : {}),
    buckets: d.buckets.map(state),
    nowMs: d.nowMs + (now - l.grantedAt),
  };
}
