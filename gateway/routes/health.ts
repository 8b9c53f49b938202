import type { Request, Response } from 'express';
import type { Deps } from '../../shared/container';
import { defineRoute, type RouteSpec } from '../http/route-spec';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        t = setTimeout(() => rej(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    if (t) clearTimeout(t);
  }
}

/** Readiness of every dependency a command needs; names only, never connection details. */
export async function checkDependencies(deps: Deps): Promise<Record<string, 'ok' | 'unavailable'>> {
  const checks: Record<string, () => Promise<unknown>> = {
    postgres: () => deps.orm.em.fork().getConnection().execute('select 1'),
    redis: () => deps.redis.ping(),
    kafka: async () => {
      const admin = deps.kafka.admin();
      await admin.connect();
      try {
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    },
    registry: () => deps.codec.ping(),
  };
  const out: Record<string, 'ok' | 'unavailable'> = {};
  await Promise.all(
    Object.entries(checks).map(async ([name, fn]) => {
      out[name] = await within(3000, fn()).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      );
    }),
  );
  return out;
}

/**
 * /readyz is public: one check of every dependency (a Kafka admin connection included) is shared
 * by all callers for `ttlMs`, and concurrent callers wait on the check in flight, so probing it
 * at any rate costs at most one round of checks per interval.
 */
export class ReadinessProbe {
  private last: { at: number; checks: Record<string, 'ok' | 'unavailable'> } | null = null;
  private inFlight: Promise<Record<string, 'ok' | 'unavailable'>> | null = null;

  constructor(
    private readonly check: () => Promise<Record<string, 'ok' | 'unavailable'>>,
    private readonly ttlMs = 2000,
  ) {}

  async checks(): Promise<Record<string, 'ok' | 'unavailable'>> {
    if (this.last && Date.now() - this.last.at < this.ttlMs) return this.last.checks;
    this.inFlight ??= this.check()
      .then((checks) => {
        this.last = { at: Date.now(), checks };
        return checks;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}

export function healthRoutes(deps: Deps, readiness = new ReadinessProbe(() => checkDependencies(deps))): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      permission: 'public',
      rateClass: 'read',
      tag: 'health',
      success: 200,
      summary: 'Liveness: the process answers',
      handler(_req: Request, res: Response) {
        res.json({ status: 'ok' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      permission: 'public',
      rateClass: 'read',
      tag: 'health',
      success: 200,
      summary: 'Readiness: Kafka, schema registry, PostgreSQL and Redis answer',
      async handler(_req: Request, res: Response) {
        const checks = await readiness.checks();
        const ready = Object.values(checks).every((v) => v === 'ok');
        if (!ready) res.setHeader('Retry-After', '5');
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      permission: 'metrics:read',
      rateClass: 'read',
      tag: 'health',
      success: 200,
      summary: 'Prometheus metrics (also served without auth on the separate METRICS_PORT listener)',
      async handler(_req: Request, res: Response) {
        res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
      },
    }),
  ];
}
