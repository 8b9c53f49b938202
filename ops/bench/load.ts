/**
 * The load generator, a process of its own so that it never shares an event loop with what it
 * measures. Reads one LoadSpec (JSON) from stdin, runs it, writes one LoadResult (JSON) to stdout.
 *   max:   autocannon, closed loop at fixed concurrency (the maximum rate a server sustains)
 *   paced: open loop at a fixed rate; each command is POSTed, then its operation is long-polled
 *          (`Prefer: wait=N`) until done; latency is counted from the command's scheduled send time,
 *          so a late load generator does not hide queueing.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { HttpRequestSpec, LoadResult, LoadSpec, MaxRateResult, MaxRateSpec, PacedResult, PacedSpec } from './lib/load-spec';
import { sleep } from './lib/stats';

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += String(chunk);
  return s;
}

function runMax(spec: MaxRateSpec): Promise<MaxRateResult> {
  const requests: autocannon.Request[] = spec.requests.map((r) => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
    ...(spec.uniqueIdempotencyKey
      ? { setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }) }
      : {}),
  }));
  return new Promise((resolve, reject) => {
    autocannon({ url: spec.url, connections: spec.connections, duration: spec.durationS, timeout: 30, requests }, (err, r) => {
      if (err) return reject(err);
      const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
      const expected = statusCodes[String(spec.expectStatus)] ?? 0;
      const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
      resolve({
        mode: 'max',
        durationS: r.duration,
        rps: expected / r.duration,
        expected,
        unexpected: total - expected,
        statusCodes,
        errors: r.errors,
        timeouts: r.timeouts,
        latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
      });
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 2048 });

/**
 * One request on the keep-alive agent. A request on a reused socket that the server had just
 * closed (ECONNRESET before any answer) never reached it and is sent once more, as Node's docs advise.
 */
function call(base: URL, r: HttpRequestSpec, retry = true): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path: r.path, method: r.method, headers: r.headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && err.code === 'ECONNRESET') call(base, r, false).then(resolve, reject);
      else reject(err);
    });
    req.end(r.body);
  });
}

async function runPaced(spec: PacedSpec): Promise<PacedResult> {
  const base = new URL(spec.url);
  const total = Math.max(1, Math.round(spec.ratePerS * spec.durationS));
  const out: PacedResult = {
    mode: 'paced',
    sent: 0,
    succeeded: 0,
    failed: 0,
    errors: 0,
    achievedRatePerS: 0,
    latenciesMs: [],
    operationIds: [],
    firstError: null,
    errorKinds: {},
  };
  const tally = (msg: string) => {
    out.firstError ??= msg;
    const kind = msg.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>').slice(0, 80);
    out.errorKinds[kind] = (out.errorKinds[kind] ?? 0) + 1;
  };
  const fail = (msg: string) => {
    out.errors++;
    tally(msg);
  };
  const one = async (intendedAt: number) => {
    const posted = await call(base, spec.request);
    if (posted.status !== 202) return fail(`POST answered ${posted.status}: ${posted.body.slice(0, 200)}`);
    const id = (JSON.parse(posted.body) as { id: string }).id;
    const deadline = intendedAt + 30_000;
    for (;;) {
      const op = await call(base, {
        method: 'GET',
        path: `/v1/operations/${id}`,
        headers: { 'x-api-key': spec.apiKey, prefer: `wait=${spec.waitS}` },
      });
      const status = op.status === 200 ? (JSON.parse(op.body) as { status: string }).status : `http ${op.status}`;
      if (status === 'succeeded') {
        out.succeeded++;
        out.latenciesMs.push(performance.now() - intendedAt);
        out.operationIds.push(id);
        return;
      }
      if (status === 'failed' || op.status !== 200) {
        out.failed++;
        tally(`operation ${id}: ${status}`);
        return;
      }
      if (performance.now() > deadline) return fail(`operation ${id} not done after 30 s`);
    }
  };
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  const gap = 1000 / spec.ratePerS;
  while (out.sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - t0) / gap) + 1);
    while (out.sent < due) {
      const p: Promise<void> = one(t0 + out.sent * gap).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      out.sent++;
    }
    await sleep(1);
  }
  out.achievedRatePerS = out.sent / ((performance.now() - t0) / 1000);
  await Promise.all(inFlight);
  return out;
}

async function main(): Promise<void> {
  const spec = JSON.parse(await readStdin()) as LoadSpec;
  const result: LoadResult = spec.mode === 'max' ? await runMax(spec) : await runPaced(spec);
  // A pipe is written asynchronously: exit only once the whole (large) result is out.
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(result)}\n`, () => resolve()));
  agent.destroy();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
