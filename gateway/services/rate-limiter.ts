import { createHash, randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { TenantOverrides } from '../../shared/config';
import type { RouteClass } from '../http/route-spec';

/**
 * Sliding-window-log rate limiting in Redis: ONE atomic Lua script decides over every bucket that
 * applies (e.g. "this IP is not banned for failed logins" + "this principal has write budget left")
 * and records hits only if all of them allow it. The clock is Redis's own (TIME), so any number of
 * gateway instances share one exact count.
 *
 * A call may take a lease of several hits at once (RateLimitLeases spends them in-process): the
 * grant is at most a quarter of what is left in every consuming bucket, so far from the limit one
 * call serves many requests and near it every request is decided by Redis alone. Granted hits are
 * recorded before any is spent, so all instances together never admit more than the limit.
 *
 * KEYS[i]   bucket (a sorted set of hit ids scored by ms)
 * ARGV[1]   window in ms;  ARGV[2] lease id (hit j is stored as "<id>:<j>");  ARGV[3] hits wanted
 * ARGV[2+2i], ARGV[3+2i]  limit of bucket i, mode (1 = consume, 0 = only check)
 * returns   { allowed, blockingIndex (0 = none), nowMs, granted, count_1, resetMs_1, ... }
 *           where count is after this call and resetMs is when the next slot frees up.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local lease = ARGV[2]
local grant = tonumber(ARGV[3])
local n = #KEYS
local counts = {}
local allowed = 1
local blocking = 0
for i = 1, n do
  local limit = tonumber(ARGV[2 + 2 * i])
  local mode = tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= limit then
    allowed = 0
    if blocking == 0 then blocking = i end
  elseif mode == 1 then
    local cap = math.max(1, math.floor((limit - counts[i]) / 4))
    if cap < grant then grant = cap end
  end
end
if allowed == 0 then grant = 0 end
local out = { allowed, blocking, now, grant }
for i = 1, n do
  local limit = tonumber(ARGV[2 + 2 * i])
  local mode = tonumber(ARGV[3 + 2 * i])
  if grant > 0 and mode == 1 then
    local hits = {}
    for j = 1, grant do
      hits[#hits + 1] = now
      hits[#hits + 1] = lease .. ':' .. j
    end
    redis.call('ZADD', KEYS[i], unpack(hits))
    redis.call('PEXPIRE', KEYS[i], window)
    counts[i] = counts[i] + grant
  end
  local reset = now + window
  if counts[i] >= limit then
    local idx = counts[i] - limit
    local hit = redis.call('ZRANGE', KEYS[i], idx, idx, 'WITHSCORES')
    if hit[2] then reset = tonumber(hit[2]) + window end
  elseif counts[i] > 0 then
    local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    if first[2] then reset = tonumber(first[2]) + window end
  end
  out[#out + 1] = counts[i]
  out[#out + 1] = reset
end
return out
`;

const part = (id: string) => encodeURIComponent(id);

declare module 'ioredis' {
  interface RedisCommander<Context> {
    statesetRateLimit(...args: (string | number)[]): Result<number[], Context>;
  }
}

export interface Bucket {
  /** Policy name for headers and the `stateset_rate_limited_total{policy}` label. */
  policy: string;
  key: string;
  limit: number;
  mode: 'consume' | 'check';
}

export interface BucketState {
  policy: string;
  limit: number;
  remaining: number;
  /** Seconds until the next slot frees up (the whole window when the bucket is empty). */
  resetS: number;
}

export interface Decision {
  allowed: boolean;
  /** Hits recorded by this call (0 when refused); all but one are a lease to spend in-process. */
  granted: number;
  /** Id of the recorded hits ("<leaseId>:<j>", j = 1 … granted), to give back the unspent ones. */
  leaseId: string;
  /** The bucket that refused, if any. */
  blockedBy?: BucketState;
  buckets: BucketState[];
  nowMs: number;
}

type Policies = Record<RouteClass, number>;

export interface RateLimitConfig {
  RATE_LIMIT_READ_PER_MIN: number;
  RATE_LIMIT_WRITE_PER_MIN: number;
  RATE_LIMIT_AUTH_PER_MIN: number;
  RATE_LIMIT_IP_PER_MIN: number;
  RATE_LIMIT_IP_FAILURES_PER_MIN: number;
  RATE_LIMIT_TENANT_READ_PER_MIN: number;
  RATE_LIMIT_TENANT_WRITE_PER_MIN: number;
  RATE_LIMIT_TENANT_AUTH_PER_MIN: number;
  RATE_LIMIT_TENANT_OVERRIDES: TenantOverrides;
  RATE_LIMIT_WINDOW_S: number;
  DATABASE_SCHEMA: string;
}

export class RateLimiter {
  readonly windowS: number;
  private readonly defaults: Policies;
  private readonly tenantDefaults: Policies;
  private readonly overrides: TenantOverrides;
  /**
   * Keys are namespaced by the database schema (deployments and test runs sharing a Redis never
   * share counts) and by a digest of the policy configuration: every instance running the same
   * policies shares one count; a changed policy starts fresh windows instead of inheriting counts
   * recorded under other limits (during a rolling change old and new instances count apart).
   */
  private readonly ns: string;

  constructor(
    private readonly redis: Redis,
    private readonly config: RateLimitConfig,
  ) {
    this.windowS = config.RATE_LIMIT_WINDOW_S;
    this.defaults = { read: config.RATE_LIMIT_READ_PER_MIN, write: config.RATE_LIMIT_WRITE_PER_MIN, auth: config.RATE_LIMIT_AUTH_PER_MIN };
    this.tenantDefaults = {
      read: config.RATE_LIMIT_TENANT_READ_PER_MIN,
      write: config.RATE_LIMIT_TENANT_WRITE_PER_MIN,
      auth: config.RATE_LIMIT_TENANT_AUTH_PER_MIN,
    };
    this.overrides = config.RATE_LIMIT_TENANT_OVERRIDES;
    const policy = createHash('sha256')
      .update(
        JSON.stringify([this.defaults, this.tenantDefaults, config.RATE_LIMIT_IP_PER_MIN, config.RATE_LIMIT_IP_FAILURES_PER_MIN, this.overrides, this.windowS]),
      )
      .digest('hex')
      .slice(0, 8);
    this.ns = `rl:${config.DATABASE_SCHEMA}:${policy}:`;
    if (!Reflect.has(redis, 'statesetRateLimit')) redis.defineCommand('statesetRateLimit', { lua: SCRIPT });
  }

  limitFor(tenantId: string, cls: RouteClass): number {
    return this.overrides[tenantId]?.[cls] ?? this.defaults[cls];
  }

  /** The whole tenant's budget; never below one of its principals' (that principal limit would mean nothing). */
  tenantLimitFor(tenantId: string, cls: RouteClass): number {
    return Math.max(this.overrides[tenantId]?.tenant?.[cls] ?? this.tenantDefaults[cls], this.limitFor(tenantId, cls));
  }

  /** Shared by every key and token of the tenant: minting more keys does not multiply the budget. */
  tenantBucket(tenantId: string, cls: RouteClass): Bucket {
    return {
      policy: `tenant-${cls}`,
      key: `${this.ns}t:${part(tenantId)}:${cls}`,
      limit: this.tenantLimitFor(tenantId, cls),
      mode: 'consume',
    };
  }

  // Identifiers may contain ':' (tenant "a:b" + principal "c" vs tenant "a" + principal "b:c"):
  // each part is percent-encoded, so ':' only ever separates parts and no two buckets share a key.
  principalBucket(tenantId: string, principalId: string, cls: RouteClass): Bucket {
    return {
      policy: cls,
      key: `${this.ns}p:${part(tenantId)}:${part(principalId)}:${cls}`,
      limit: this.limitFor(tenantId, cls),
      mode: 'consume',
    };
  }

  ipBucket(ip: string, cls: RouteClass): Bucket {
    return { policy: `ip-${cls}`, key: `${this.ns}ip:${part(ip)}:${cls}`, limit: this.config.RATE_LIMIT_IP_PER_MIN, mode: 'consume' };
  }

  ipFailureBucket(ip: string, mode: 'consume' | 'check'): Bucket {
    return { policy: 'ip-auth-failures', key: `${this.ns}ipfail:${part(ip)}`, limit: this.config.RATE_LIMIT_IP_FAILURES_PER_MIN, mode };
  }

  /**
   * One script call: decides over every bucket atomically and, if allowed, records up to `want`
   * hits in each consuming bucket (fewer near the limit). Throws when Redis is unreachable.
   */
  async hit(buckets: Bucket[], want = 1): Promise<Decision> {
    const leaseId = randomUUID();
    const args: (string | number)[] = [buckets.length, ...buckets.map((b) => b.key), this.windowS * 1000, leaseId, Math.max(1, Math.floor(want))];
    for (const b of buckets) args.push(b.limit, b.mode === 'consume' ? 1 : 0);
    const out = await this.redis.statesetRateLimit(...args);
    const [allowed, blocking, nowMs, granted] = out as [number, number, number, number];
    const states = buckets.map((b, i): BucketState => {
      const count = Number(out[4 + 2 * i]);
      const resetMs = Number(out[5 + 2 * i]);
      return {
        policy: b.policy,
        limit: b.limit,
        remaining: Math.max(0, b.limit - count),
        resetS: Math.max(1, Math.ceil((resetMs - nowMs) / 1000)),
      };
    });
    return {
      allowed: allowed === 1,
      granted,
      leaseId,
      ...(blocking > 0 ? { blockedBy: states[blocking - 1] } : {}),
      buckets: states,
      nowMs,
    };
  }

  /** Gives back hits j = from … to of a lease that were never spent (best effort). */
  async release(buckets: Bucket[], leaseId: string, from: number, to: number): Promise<void> {
    if (from > to) return;
    const members = Array.from({ length: to - from + 1 }, (_, k) => `${leaseId}:${from + k}`);
    await Promise.all(buckets.filter((b) => b.mode === 'consume').map((b) => this.redis.zrem(b.key, ...members)));
  }
}
