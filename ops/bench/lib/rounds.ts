import type { Ctx } from './context';
import type { HttpRequestSpec, MaxRateResult } from './load-spec';
import { maxRate } from './load-client';
import { median } from './stats';

export interface Target {
  name: string;
  url: string;
  requests: HttpRequestSpec[];
  uniqueIdempotencyKey?: boolean;
}

export interface Measured {
  runs: MaxRateResult[];
  rps: number;
  p50: number;
  p99: number;
  unexpected: number;
  errors: number;
}

/**
 * Measures each target at fixed concurrency, alternately: a short warm-up of each (not counted),
 * then `rounds` rounds, each running every target once, the order rotated every round. Returns
 * the runs and the medians over rounds per target.
 */
export async function alternate(ctx: Ctx, targets: Target[], expectStatus: number): Promise<Record<string, Measured>> {
  const { concurrency, durationS, rounds } = ctx.opts;
  const run = (t: Target, d: number) =>
    maxRate({
      url: t.url,
      connections: concurrency,
      durationS: d,
      requests: t.requests,
      expectStatus,
      uniqueIdempotencyKey: t.uniqueIdempotencyKey,
    });
  for (const t of targets) {
    const w = await run(t, Math.min(5, durationS));
    ctx.log(`  warm-up ${t.name}: ${w.rps.toFixed(0)}/s`);
  }
  const runs = new Map<string, MaxRateResult[]>(targets.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + r) % targets.length]!;
      const res = await run(t, durationS);
      runs.get(t.name)!.push(res);
      const bad = res.unexpected + res.errors > 0 ? `, ${res.unexpected} unexpected ${JSON.stringify(res.statusCodes)}, ${res.errors} errors` : '';
      ctx.log(`  round ${r + 1} ${t.name}: ${res.rps.toFixed(0)}/s p50 ${res.latencyMs.p50} ms p99 ${res.latencyMs.p99} ms${bad}`);
    }
  }
  return Object.fromEntries(
    [...runs].map(([name, rs]) => [
      name,
      {
        runs: rs,
        rps: median(rs.map((x) => x.rps)),
        p50: median(rs.map((x) => x.latencyMs.p50)),
        p99: median(rs.map((x) => x.latencyMs.p99)),
        unexpected: rs.reduce((n, x) => n + x.unexpected, 0),
        errors: rs.reduce((n, x) => n + x.errors, 0),
      },
    ]),
  );
}

export const postOrder = (apiKey?: string): HttpRequestSpec => ({
  method: 'POST',
  path: '/v1/orders',
  headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
  body: JSON.stringify({ customerId: 'bench', currency: 'EUR', items: [{ sku: 'BENCH-1', quantity: 2, unitPriceMinor: 1999 }] }),
});

/** A throughput row's note: the median p99 and anything that was not the expected answer. */
export function note(m: Measured): string {
  const extra = m.unexpected + m.errors > 0 ? `; ${m.unexpected} unexpected statuses, ${m.errors} errors` : '';
  return `p99 ${m.p99} ms${extra}`;
}
