import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { DependencyUnavailableError, RateLimitedError, type AuthenticationError } from '../../shared/errors';
import type { Metrics } from '../../shared/metrics';
import type { RouteClass } from '../http/route-spec';
import type { Principal } from '../auth/principal';
import type { BucketState, RateLimiter } from '../services/rate-limiter';
import { RateLimitLeases } from '../services/rate-limit-leases';

export interface RateLimitPolicyConfig {
  RATE_LIMIT_REDIS_DOWN_WRITES: 'fail-closed' | 'fail-open';
  RATE_LIMIT_REDIS_DOWN_READS: 'fail-closed' | 'fail-open';
  RATE_LIMIT_REDIS_DOWN_RETRY_AFTER_S: number;
  RATE_LIMIT_WINDOW_S: number;
  RATE_LIMIT_LEASE_MS: number;
  RATE_LIMIT_LEASE_MAX_HITS: number;
}

/** Bucket key of a client address: the address for IPv4, its /64 for IPv6 (one host owns a whole /64). */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) === 4) return v4;
  if (isIP(ip) !== 6) return 'unknown';
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function setHeaders(res: Response, s: BucketState, windowS: number, nowMs: number): void {
  // IETF draft-ietf-httpapi-ratelimit-headers: structured-field policy and current state.
  res.setHeader('RateLimit-Policy', `"${s.policy}";q=${s.limit};w=${windowS}`);
  res.setHeader('RateLimit', `"${s.policy}";r=${s.remaining};t=${s.resetS}`);
  res.setHeader('X-RateLimit-Limit', String(s.limit));
  res.setHeader('X-RateLimit-Remaining', String(s.remaining));
  // Unix time (seconds) at which a slot frees up, as GitHub and most APIs use it.
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(nowMs / 1000) + s.resetS));
}

/**
 * The gateway's rate limiting: one Redis script decides, and a busy principal's hits are taken in
 * leases spent in-process (RATE_LIMIT_LEASE_MS; counted in stateset_rate_limit_decisions_total{source}).
 * Public routes are limited per client address; authenticated ones per principal and route class,
 * and refused while the client address is over its failed-authentication budget. Redis down: per RATE_LIMIT_REDIS_DOWN_WRITES/READS,
 * every decision taken without Redis counted in stateset_rate_limiter_unavailable_total{decision}.
 */
export function createRateLimiting(limiter: RateLimiter, metrics: Metrics, config: RateLimitPolicyConfig) {
  const leases = new RateLimitLeases(limiter, { leaseMs: config.RATE_LIMIT_LEASE_MS, maxHits: config.RATE_LIMIT_LEASE_MAX_HITS },
    (source) => metrics.rateLimitDecisions.inc({ source }));
  const unavailable = (cls: RouteClass, res: Response, next: NextFunction, err: unknown) => {
    const mode = cls === 'read' ? config.RATE_LIMIT_REDIS_DOWN_READS : config.RATE_LIMIT_REDIS_DOWN_WRITES;
    if (mode === 'fail-open') {
      metrics.rateLimiterUnavailable.inc({ decision: 'allowed' });
      return next();
    }
    metrics.rateLimiterUnavailable.inc({ decision: 'refused' });
    res.setHeader('Retry-After', String(config.RATE_LIMIT_REDIS_DOWN_RETRY_AFTER_S));
    next(new DependencyUnavailableError('redis', 'rate limiter unavailable', err));
  };

  return {
    forClass(cls: RouteClass) {
      return (req: Request, res: Response, next: NextFunction) => {
        const principal = res.locals.principal as Principal | undefined;
        const ip = clientKey(req.ip);
        const buckets = principal
          ? [limiter.ipFailureBucket(ip, 'check'), limiter.principalBucket(principal.tenantId, principal.id, cls)]
          : [limiter.ipBucket(ip, cls)];
        leases.take(buckets).then(
          (d) => {
            const shown = d.blockedBy ?? d.buckets[d.buckets.length - 1]!;
            setHeaders(res, shown, limiter.windowS, d.nowMs);
            if (d.allowed) return next();
            metrics.rateLimited.inc({ policy: shown.policy });
            res.setHeader('Retry-After', String(shown.resetS));
            next(new RateLimitedError(shown.policy, shown.resetS));
          },
          (err: unknown) => unavailable(cls, res, next, err),
        );
      };
    },

    /** Charges the client address for a failed authentication; over the budget the answer becomes 429. */
    async onAuthFailure(req: Request, res: Response, _err: AuthenticationError): Promise<void> {
      let d;
      try {
        d = await limiter.hit([limiter.ipFailureBucket(clientKey(req.ip), 'consume')]);
      } catch {
        // The 401 stands; only the brute-force counter was skipped.
        metrics.rateLimiterUnavailable.inc({ decision: 'uncounted' });
        return;
      }
      const s = d.buckets[0]!;
      setHeaders(res, s, limiter.windowS, d.nowMs);
      if (d.allowed) return;
      metrics.rateLimited.inc({ policy: s.policy });
      res.setHeader('Retry-After', String(s.resetS));
      throw new RateLimitedError(s.policy, s.resetS);
    },
  };
}
