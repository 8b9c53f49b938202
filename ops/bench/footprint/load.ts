/**
 * Intake load generator, meant to run in its OWN process (so its CPU and memory are not the
 * platform's). Sends POST <url>/v1/orders over keep-alive connections at a fixed concurrency until
 * the duration or the request cap is reached, then prints one JSON line on stdout and exits.
 * Loopback only (refuses any other host). Bounded: --duration-s ≤ 600, --max-requests ≤ 10,000,000.
 *
 * Usage:
 *   npx tsx ops/bench/footprint/load.ts --url http://127.0.0.1:3100 --key <api key>
 *     [--concurrency 50] [--duration-s 20] [--max-requests 5000000] [--path /v1/orders]
 *     [--body '{"customerId":"c1","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPriceMinor":100}]}']
 *     [--expect 202] [--timeout-ms 30000] [--keep-ids 200]
 * Output (stdout, one line): {"requests","ok","nonExpected","statuses","errors","seconds","rps","okRps",
 *   "p50Ms","p90Ms","p99Ms","maxMs","node","lastIds"}; lastIds = the ids of the last accepted
 *   responses (operation ids), so a caller can wait for the backlog to drain. Progress → stderr.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const DEFAULT_BODY = '{"customerId":"c1","currency":"EUR","items":[{"sku":"SKU-1","quantity":1,"unitPriceMinor":100}]}';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3100' },
    key: { type: 'string' },
    path: { type: 'string', default: '/v1/orders' },
    body: { type: 'string', default: DEFAULT_BODY },
    concurrency: { type: 'string', default: '50' },
    'duration-s': { type: 'string', default: '20' },
    'max-requests': { type: 'string', default: '5000000' },
    expect: { type: 'string', default: '202' },
    'timeout-ms': { type: 'string', default: '30000' },
    'keep-ids': { type: 'string', default: '200' },
  },
});

function bounded(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

export interface LoadResult {
  requests: number;
  ok: number;
  nonExpected: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  seconds: number;
  rps: number;
  okRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  node: string;
  /** The `id` of the last --keep-ids accepted responses (operations, for a drain check). */
  lastIds: string[];
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const base = new URL(values.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname) || base.protocol !== 'http:') {
    throw new Error(`refusing ${values.url}: loopback http only`);
  }
  if (!values.key) throw new Error('--key is required');
  const concurrency = bounded('concurrency', values.concurrency, 1, 1000);
  const durationMs = bounded('duration-s', values['duration-s'], 0.1, 600) * 1000;
  const maxRequests = bounded('max-requests', values['max-requests'], 1, 10_000_000);
  const expect = bounded('expect', values.expect, 100, 599);
  const timeoutMs = bounded('timeout-ms', values['timeout-ms'], 100, 120_000);
  const body = Buffer.from(values.body);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length), 'x-api-key': values.key };

  const lat = new Float64Array(maxRequests);
  let started = 0;
  let done = 0;
  let ok = 0;
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const lastIds: string[] = new Array<string>(bounded('keep-ids', values['keep-ids'], 1, 10_000)).fill('');
  let lastN = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;

  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const s = performance.now();
      const req = http.request(
        {
          host: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || 80,
          path: values.path,
          method: 'POST',
          agent,
          headers,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            lat[done++] = performance.now() - s;
            const code = String(res.statusCode ?? 0);
            statuses[code] = (statuses[code] ?? 0) + 1;
            if (res.statusCode === expect) {
              ok++;
              try {
                const id = (JSON.parse(Buffer.concat(chunks).toString()) as { id?: unknown }).id;
                if (typeof id === 'string') lastIds[lastN++ % lastIds.length] = id;
              } catch {
                /* not JSON */
              }
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const k = err.code ?? err.message;
        errors[k] = (errors[k] ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });

  const progress = setInterval(() => process.stderr.write(`load: ${done} done, ${ok} ok\n`), 5000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && started < maxRequests) {
        started++;
        await one();
      }
    }),
  );
  clearInterval(progress);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = lat.slice(0, done).sort();
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const result: LoadResult = {
    requests: started,
    ok,
    nonExpected: started - ok,
    statuses,
    errors,
    seconds,
    rps: done / seconds,
    okRps: ok / seconds,
    p50Ms: pct(sorted, 50),
    p90Ms: pct(sorted, 90),
    p99Ms: pct(sorted, 99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] ?? NaN) : NaN,
    node: process.version,
    lastIds: lastIds.filter(Boolean),
  };
  if (errorCount) process.stderr.write(`load: ${errorCount} transport errors\n`);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
