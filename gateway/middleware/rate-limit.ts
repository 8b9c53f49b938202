import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { DependencyUnavailableError, RateLimitedError, type AuthenticationError } from '../../shared/errors';
import type { Metrics } from '../../shared/metrics';
import type { RouteClass } from '../http/route-spec';
import type { Principal } from '../auth/principal';
import type { BucketState, RateLimiter } from '../services/rate-limiter';
import { RateLimitLeases } from '../services/rate-limit-leases';
import type { AuthFailureSummaries } from '../services/auth-failure-summary';

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
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
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
export function createRateLimiting(limiter: RateLimiter, metrics: Metrics, config: RateLimitPolicyConfig, summaries?: AuthFailureSummaries) {
  /**
   * Addresses known to have spent their failure budget, until its next slot frees up: their
   * requests are refused before authentication, so a flood of bad keys costs no key lookup and no
   * audit record each. Per gateway instance; another instance learns it from its first refusal.
   */
  const overBudget = new Map<string, { untilMs: number; state: BucketState }>();
  const rememberOverBudget = (ip: string, s: BucketState) => {
    overBudget.set(ip, { untilMs: Date.now() + s.resetS * 1000, state: s });
    if (overBudget.size > 100_000) overBudget.delete(overBudget.keys().next().value as string);
  };
  const failurePolicy = limiter.ipFailureBucket('', 'check').policy;
  const refuse = (res: Response, s: BucketState, nowMs: number) => {
    setHeaders(res, s, limiter.windowS, nowMs);
    metrics.rateLimited.inc({ policy: s.policy });
    res.setHeader('Retry-After', String(s.resetS));
    return new RateLimitedError(s.policy, s.resetS);
  };
  const leases = new RateLimitLeases(limiter, { leaseMs: config.RATE_LIMIT_LEASE_MS, maxHits: config.RATE_LIMIT_LEASE_MAX_HITS }, (source) =>
    metrics.rateLimitDecisions.inc({ source }),
  );
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
    /** Before authentication: an address over its failure budget is refused at once. */
    beforeAuth(req: Request, res: Response, next: NextFunction): void {
      const ip = clientKey(req.ip);
      const known = overBudget.get(ip);
      if (!known) return next();
      const now = Date.now();
      if (known.untilMs <= now) {
        overBudget.delete(ip);
        return next();
      }
      summaries?.add(ip, 'not_checked');
      const resetS = Math.max(1, Math.ceil((known.untilMs - now) / 1000));
      next(refuse(res, { ...known.state, remaining: 0, resetS }, now));
    },

    forClass(cls: RouteClass) {
      return (req: Request, res: Response, next: NextFunction) => {
        const principal = res.locals.principal as Principal | undefined;
        const ip = clientKey(req.ip);
        const buckets = principal
          ? [
              limiter.ipFailureBucket(ip, 'check'),
              limiter.principalBucket(principal.tenantId, principal.id, cls),
              limiter.tenantBucket(principal.tenantId, cls),
            ]
          : [limiter.ipBucket(ip, cls)];
        leases.take(buckets).then(
          (d) => {
            // Headers describe the caller's own budget unless another bucket is the one refusing.
            const shown = d.blockedBy ?? d.buckets[principal ? 1 : 0]!;
            if (d.allowed) {
              setHeaders(res, shown, limiter.windowS, d.nowMs);
              return next();
            }
            if (principal && shown.policy === failurePolicy) rememberOverBudget(ip, shown);
            next(refuse(res, shown, d.nowMs));
          },
          (err: unknown) => unavailable(cls, res, next, err),
        );
      };
    },

    /**
     * Charges the client address for a failed authentication. Over the budget the answer becomes
     * 429 and the failure goes into the address's summary instead of an audit record of its own
     * (it throws before the caller audits); the failure that spends the last slot marks the address
     * over budget, so its next request is refused before authentication.
     */
    async onAuthFailure(req: Request, res: Response, err: AuthenticationError): Promise<void> {
      const ip = clientKey(req.ip);
      let d;
      try {
        d = await limiter.hit([limiter.ipFailureBucket(ip, 'consume')]);
      } catch {
        // The 401 stands; only the brute-force counter was skipped.
        metrics.rateLimiterUnavailable.inc({ decision: 'uncounted' });
        return;
      }
      const s = d.buckets[0]!;
      if (d.allowed) {
        setHeaders(res, s, limiter.windowS, d.nowMs);
        if (s.remaining === 0) rememberOverBudget(ip, s);
        return;
      }
      rememberOverBudget(ip, s);
      summaries?.add(ip, err.reason);
      throw refuse(res, s, d.nowMs);
    },
  };
}
