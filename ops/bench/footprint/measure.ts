/**
 * Footprint of a running platform: (A) seconds from launch to GET /readyz 200 and to the first
 * POST /v1/orders whose operation is `succeeded`; (B) idle RSS of every platform process N s after
 * ready; (C) RSS (sampled every second), CPU and intake throughput under load from load.ts, which
 * runs in its own process, then the seconds until the backlog is drained (the last 200 accepted
 * operations final, then the tree's CPU below max(--quiet-cores 0.1, 1.5 × idle CPU) over 3 s — so follow-up events
 * are consumed too and the next run does not start behind a backlog). Prints tables, writes JSON.
 *
 * Processes = the process tree under the supervisor pid (the started command, or --attach PID),
 * read from /proc, minus infrastructure/wrappers whose comm matches --exclude (default: java,
 * ceph*, radosgw, postgres, redis*, sh/bash/dash). RSS = VmRSS from /proc/<pid>/status, in MiB.
 *
 * Usage (environment — ports, DATABASE_SCHEMA, KAFKA_TOPIC_PREFIX, rate limits… — is inherited
 * by every command; commands run with `bash -c` in --cwd):
 *   npx tsx ops/bench/footprint/measure.ts \
 *     --setup 'npx tsx ops/cli/main.ts setup' \
 *     --key-cmd 'npx tsx ops/cli/main.ts keys create --tenant demo --role admin --json' \
 *     --start 'node --import tsx ops/platform/run.ts' \
 *     --url http://127.0.0.1:3100 [--idle-s 30] [--load-s 20] [--concurrency 50] \
 *     [--load-node /path/to/node] [--no-load] [--out result.json] [--log platform.log] [--label x]
 *     [--ready-timeout-s 300] [--drain-timeout-s 120] [--quiet-cores 0.1] [--exclude REGEX] [--cwd DIR]
 *   npx tsx ops/bench/footprint/measure.ts --attach <supervisor pid> --url http://127.0.0.1:3100 --key <api key>
 * --start: the platform is stopped at the end (SIGTERM to the supervisor, SIGKILL to what is left
 * of its tree after 20 s) unless --keep-running. --attach: never stopped, no start timings, no logs.
 * --key-cmd prints either JSON with a "key" field or the bare key. Warnings: every line the
 * commands print is normalised (digits → N) and counted per phase (start/idle/load/drain/stop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    setup: { type: 'string' },
    'key-cmd': { type: 'string' },
    key: { type: 'string' },
    start: { type: 'string' },
    attach: { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:3100' },
    cwd: { type: 'string', default: process.cwd() },
    'idle-s': { type: 'string', default: '30' },
    'load-s': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '50' },
    'load-node': { type: 'string', default: process.execPath },
    'no-load': { type: 'boolean', default: false },
    'ready-timeout-s': { type: 'string', default: '300' },
    'drain-timeout-s': { type: 'string', default: '120' },
    'quiet-cores': { type: 'string', default: '0.1' },
    exclude: { type: 'string', default: '^(java|ceph.*|radosgw|postgres|redis.*|sh|bash|dash)$' },
    out: { type: 'string' },
    log: { type: 'string' },
    label: { type: 'string', default: '' },
    'keep-running': { type: 'boolean', default: false },
  },
});

type Phase = 'start' | 'idle' | 'load' | 'drain' | 'stop';
interface Proc { pid: number; name: string; comm: string; rssMb: number; cpuS: number }
interface Sample { t: number; procs: Proc[]; totalMb: number }
interface PerProcLoad { pid: number; name: string; peakMb: number; endMb: number; cpuS: number }

const CLK_TCK = 100; // Linux USER_HZ
const exclude = new RegExp(values.exclude);
const cwd = path.resolve(values.cwd);
const base = values.url.replace(/\/$/, '');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const num = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};

// ---------------------------------------------------------------- /proc
function readProc(pid: number, file: string): string | undefined {
  try { return readFileSync(`/proc/${pid}/${file}`, 'utf8'); } catch { return undefined; }
}
function statOf(pid: number): { comm: string; state: string; ppid: number; cpuTicks: number } | undefined {
  const s = readProc(pid, 'stat');
  if (!s) return undefined;
  const open = s.indexOf('(');
  const close = s.lastIndexOf(')');
  const f = s.slice(close + 2).split(' '); // f[0] = state, f[1] = ppid, f[11] = utime, f[12] = stime
  return { comm: s.slice(open + 1, close), state: f[0] ?? '', ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) };
}
function nameOf(pid: number, comm: string): string {
  const argv = (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean);
  const script = argv.slice(1).find((a) => /\.(c|m)?(t|j)s$/.test(a) && !a.includes('node_modules'));
  return script ? path.relative(cwd, path.resolve(cwd, script)) || script : comm;
}
/** The tree under root (root included), minus excluded comms. */
function tree(root: number): Proc[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = statOf(Number(d));
    if (st) kids.set(st.ppid, [...(kids.get(st.ppid) ?? []), Number(d)]);
  }
  const out: Proc[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    queue.push(...(kids.get(pid) ?? []));
    const st = statOf(pid);
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readProc(pid, 'status') ?? '');
    if (!st || !m || exclude.test(st.comm)) continue;
    out.push({ pid, comm: st.comm, name: nameOf(pid, st.comm), rssMb: Number(m[1]) / 1024, cpuS: st.cpuTicks / CLK_TCK });
  }
  return out;
}
/** Machine-wide CPU seconds (busy, all cores) and load average: shows other work on the machine. */
function machine(): { busyS: number; loadavg: string } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busyS: (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK, loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') };
}
function sample(root: number, t0: number): Sample {
  const procs = tree(root);
  return { t: (performance.now() - t0) / 1000, procs, totalMb: procs.reduce((a, p) => a + p.rssMb, 0) };
}

// ---------------------------------------------------------------- output capture
let phase: Phase = 'start';
const lines = new Map<string, { phase: Phase; text: string; count: number }>();
const logFile = values.log ? createWriteStream(values.log) : undefined;
function normalise(line: string): string {
  const l = line.replace(/^\[[\w.-]+\] /, '');
  try {
    const j = JSON.parse(l) as { level?: unknown; msg?: unknown; err?: string | { message?: unknown } };
    if (typeof j === 'object' && j !== null && 'msg' in j) {
      const e = typeof j.err === 'string' ? j.err : j.err?.message;
      const errMsg = typeof e === 'string' ? ` (${e.replace(/'\{[\d,]*\}'/g, "'{…}'")})` : '';
      return `level=${String(j.level)} ${String(j.msg)}${errMsg}`.replace(/\d+/g, 'N').slice(0, 240);
    }
  } catch { /* not JSON */ }
  return l.replace(/\d+/g, 'N').slice(0, 240);
}
function capture(child: ChildProcess, source: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const raw of parts) {
        logFile?.write(`${phase} ${source} ${raw.replace(/sk_[A-Za-z0-9_]+/g, 'sk_<redacted>')}\n`);
        if (!raw.trim()) continue;
        const text = normalise(raw.replace(/sk_[A-Za-z0-9_]+/g, 'sk_<redacted>'));
        const k = `${phase}\0${text}`;
        const e = lines.get(k) ?? { phase, text, count: 0 };
        e.count++;
        lines.set(k, e);
      }
    });
  }
}
function run(cmd: string, source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('bash', ['-c', cmd], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    capture(c, source);
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${source} exited ${code}: ${cmd}`))));
  });
}

// ---------------------------------------------------------------- HTTP
async function http(method: string, p: string, key: string | undefined, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (key) headers['x-api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(40_000) });
  const text = await r.text();
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: r.status, json };
}
const ORDER = { customerId: 'c1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 100 }] };

// ---------------------------------------------------------------- main
let platform: ChildProcess | undefined;
let rootPid: number | undefined;

async function stopPlatform(): Promise<number | undefined> {
  if (!platform || rootPid === undefined || values['keep-running']) return undefined;
  phase = 'stop';
  const t = performance.now();
  const pids = tree(rootPid).map((p) => p.pid);
  if (!pids.includes(rootPid)) pids.push(rootPid);
  try { process.kill(rootPid, 'SIGTERM'); } catch { /* gone */ }
  const alive = () => pids.filter((p) => { const st = statOf(p); return st !== undefined && st.state !== 'Z'; });
  while (alive().length && performance.now() - t < 20_000) await sleep(200);
  for (const p of alive()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  platform = undefined;
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  const result: Record<string, unknown> = { label: values.label, node: process.version, url: base, when: new Date().toISOString() };
  const timings: Record<string, number> = {};
  let key = values.key;

  if (values.attach) {
    rootPid = Number(values.attach);
  } else {
    if (!values.start) throw new Error('give --start <command> or --attach <pid>');
    if (values.setup) { await run(values.setup, 'setup'); timings.setupDoneS = since(); }
    if (values['key-cmd']) {
      const out = (await run(values['key-cmd'], 'keys')).trim();
      try { key = String((JSON.parse(out.split('\n').pop() ?? '') as { key: unknown }).key); } catch { key = out.split('\n').pop(); }
      timings.keyDoneS = since();
    }
    timings.platformSpawnS = since();
    platform = spawn('bash', ['-c', values.start], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    rootPid = platform.pid;
    capture(platform, 'platform');
    platform.on('exit', (code, sig) => { if (phase !== 'stop') console.error(`platform exited early (${sig ?? code})`); });
  }
  if (rootPid === undefined || !key) throw new Error('no supervisor pid or no API key (--key / --key-cmd)');
  const root = rootPid;

  // A: /readyz, then one order to `succeeded`.
  const readyDeadline = performance.now() + num('ready-timeout-s', values['ready-timeout-s']) * 1000;
  for (;;) {
    if (performance.now() > readyDeadline) throw new Error('/readyz never answered 200');
    const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(100);
  }
  timings.readyzS = since();
  const post = await http('POST', '/v1/orders', key, ORDER);
  if (post.status !== 202 || typeof post.json.id !== 'string') throw new Error(`first POST /v1/orders answered ${post.status}: ${JSON.stringify(post.json)}`);
  let op = post.json;
  while (op.status !== 'succeeded' && op.status !== 'failed') {
    if (performance.now() > readyDeadline) throw new Error(`first operation still ${String(op.status)}`);
    op = (await http('GET', `/v1/operations/${post.json.id}`, key, undefined, { prefer: 'wait=10' })).json;
  }
  timings.firstOrderSucceededS = since();
  timings.readyzToSucceededS = timings.firstOrderSucceededS - timings.readyzS;
  result.firstOperation = op;
  const href = (op.resource as { href?: unknown } | undefined)?.href;
  if (op.status === 'succeeded' && typeof href === 'string') {
    let order: Record<string, unknown> = {};
    for (let i = 0; i < 20; i++) {
      order = (await http('GET', href, key)).json;
      if (order.status !== 'pending' && order.status !== 'confirmed') break;
      await sleep(250);
    }
    result.firstOrderStatus = order.status;
  }
  result.timings = timings;
  const readyAt = performance.now();
  const cpuAtReady = tree(root).reduce((a, p) => a + p.cpuS, 0);

  // B: idle.
  phase = 'idle';
  await sleep(Math.max(0, readyAt + num('idle-s', values['idle-s']) * 1000 - performance.now()));
  const idle = sample(root, t0);
  result.idle = idle;
  const idleCpuCores = (idle.procs.reduce((a, p) => a + p.cpuS, 0) - cpuAtReady) / ((performance.now() - readyAt) / 1000);
  result.idleCpuCores = idleCpuCores;

  // C: load from a separate process, RSS every second.
  if (!values['no-load']) {
    phase = 'load';
    const loadArgs = [...process.execArgv, path.join(__dirname, 'load.ts'), '--url', base, '--key', key,
      '--concurrency', values.concurrency, '--duration-s', values['load-s']];
    const m0 = machine();
    const samples: Sample[] = [sample(root, t0)];
    const loader = spawn(values['load-node'], loadArgs, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let loadOut = '';
    loader.stdout.on('data', (d: Buffer) => { loadOut += d.toString(); });
    loader.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    const exited = new Promise<number | null>((r) => loader.on('exit', (code) => r(code)));
    const timer = setInterval(() => samples.push(sample(root, t0)), 1000);
    const code = await exited;
    clearInterval(timer);
    samples.push(sample(root, t0));
    const m1 = machine();
    if (code !== 0) throw new Error(`load generator exited ${code}`);
    const first = samples[0];
    const last = samples[samples.length - 1];
    const perProc: PerProcLoad[] = (last?.procs ?? []).map((p) => ({
      pid: p.pid, name: p.name,
      peakMb: Math.max(...samples.map((s) => s.procs.find((q) => q.pid === p.pid)?.rssMb ?? 0)),
      endMb: p.rssMb,
      cpuS: p.cpuS - (first?.procs.find((q) => q.pid === p.pid)?.cpuS ?? 0),
    }));
    const platformCpuS = perProc.reduce((a, p) => a + p.cpuS, 0);
    const wallS = (last?.t ?? 0) - (first?.t ?? 0);
    // Drain: every one of the last accepted operations reaches a final status (per-partition
    // order makes that the whole backlog, give or take the last ones' follow-up events).
    phase = 'drain';
    const gen = JSON.parse(loadOut.trim().split('\n').pop() ?? '{}') as { lastIds?: string[] };
    const tDrain = performance.now();
    const drainDeadline = tDrain + num('drain-timeout-s', values['drain-timeout-s']) * 1000;
    let drained = true;
    for (const id of gen.lastIds ?? []) {
      let st: unknown;
      do {
        st = (await http('GET', `/v1/operations/${id}`, key, undefined, { prefer: 'wait=10' })).json.status;
      } while (st !== 'succeeded' && st !== 'failed' && (drained = performance.now() < drainDeadline));
      if (!drained) break;
    }
    // …and the platform is quiet (follow-up events consumed): tree CPU < --quiet-cores over 3 s.
    const quiet = Math.max(num('quiet-cores', values['quiet-cores']), 1.5 * idleCpuCores);
    const cpu: number[] = [];
    while (drained) {
      cpu.push(tree(root).reduce((a, p) => a + p.cpuS, 0));
      const a = cpu[cpu.length - 4];
      const b = cpu[cpu.length - 1];
      if (a !== undefined && b !== undefined && (b - a) / 3 < quiet) break;
      drained = performance.now() < drainDeadline;
      await sleep(1000);
    }
    const drainS = (performance.now() - tDrain) / 1000;
    const afterDrain = sample(root, t0);
    result.load = {
      drainS: drained ? drainS : null,
      afterDrainTotalMb: afterDrain.totalMb,
      machine: { cores: availableParallelism(), wallS, busyCpuS: m1.busyS - m0.busyS, platformCpuS, loadavgBefore: m0.loadavg, loadavgAfter: m1.loadavg },
      generator: { ...gen, lastIds: gen.lastIds?.length },
      peakTotalMb: Math.max(...samples.map((s) => s.totalMb)),
      endTotalMb: last?.totalMb ?? NaN,
      perProc,
      samples: samples.map((s) => ({ t: s.t, totalMb: s.totalMb, rss: Object.fromEntries(s.procs.map((p) => [p.name, p.rssMb])) })),
    };
  }

  const stopS = await stopPlatform();
  if (stopS !== undefined) timings.stopS = stopS;
  result.output = [...lines.values()].sort((a, b) => b.count - a.count);
  print(result, idle, idleCpuCores);
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
}

function print(r: Record<string, unknown>, idle: Sample, idleCpuCores: number): void {
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\n== footprint ${String(r.label)} (${String(r.node)} measuring, ${String(r.url)})`);
  console.log('A  start (s from launch):', Object.entries(r.timings as Record<string, number>).map(([k, v]) => `${k}=${v.toFixed(2)}`).join('  '));
  console.log(`   first order: operation ${String((r.firstOperation as { status?: unknown }).status)}, order status ${String(r.firstOrderStatus)}`);
  console.log('B  idle RSS (MiB)');
  for (const p of idle.procs) console.log(`   ${p.name.padEnd(34)} pid ${String(p.pid).padStart(7)} ${f(p.rssMb)}`);
  console.log(`   ${'TOTAL'.padEnd(46)} ${f(idle.totalMb)}   (idle CPU of the tree: ${idleCpuCores.toFixed(3)} cores)`);
  const load = r.load as { generator: Record<string, unknown>; peakTotalMb: number; endTotalMb: number; perProc: PerProcLoad[];
    machine: { cores: number; wallS: number; busyCpuS: number; platformCpuS: number; loadavgBefore: string; loadavgAfter: string };
    drainS: number | null; afterDrainTotalMb: number } | undefined;
  if (load) {
    const g = load.generator;
    console.log(`C  load: ${Number(g.rps).toFixed(0)} req/s (${Number(g.okRps).toFixed(0)} ok/s), p50 ${Number(g.p50Ms).toFixed(1)} ms, p99 ${Number(g.p99Ms).toFixed(1)} ms, ` +
      `max ${Number(g.maxMs).toFixed(1)} ms, requests ${String(g.requests)}, non-202 ${String(g.nonExpected)} ${JSON.stringify(g.statuses)} ${JSON.stringify(g.errors)}, load node ${String(g.node)}`);
    console.log(`   ${'process'.padEnd(34)} ${'peak MiB'.padStart(8)} ${'end MiB'.padStart(8)} ${'CPU s'.padStart(8)}`);
    for (const p of load.perProc) console.log(`   ${p.name.padEnd(34)} ${f(p.peakMb)} ${f(p.endMb)} ${f(p.cpuS)}`);
    console.log(`   ${'TOTAL (peak of sum / end)'.padEnd(34)} ${f(load.peakTotalMb)} ${f(load.endTotalMb)} ${f(load.machine.platformCpuS)}`);
    console.log(`   backlog drained ${load.drainS === null ? 'NOT within --drain-timeout-s' : `${load.drainS.toFixed(1)} s`} after the load; total RSS then ${load.afterDrainTotalMb.toFixed(1)} MiB`);
    const m = load.machine;
    console.log(`   machine during load: ${m.busyCpuS.toFixed(1)} CPU-s busy of ${(m.cores * m.wallS).toFixed(1)} available (${m.cores} cores × ${m.wallS.toFixed(1)} s); ` +
      `platform ${m.platformCpuS.toFixed(1)}, everything else (load generator, Kafka, PostgreSQL, Redis, other users) ${(m.busyCpuS - m.platformCpuS).toFixed(1)}; loadavg ${m.loadavgBefore} → ${m.loadavgAfter}`);
  }
  const out = r.output as { phase: Phase; text: string; count: number }[];
  if (out.length) {
    console.log('Output lines (normalised, digits → N), by phase:');
    for (const o of out.slice(0, 40)) console.log(`   ${String(o.count).padStart(6)}  ${o.phase.padEnd(5)}  ${o.text}`);
  }
}

process.on('SIGINT', () => { void stopPlatform().then(() => process.exit(130)); });
main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(`measure: ${err instanceof Error ? err.message : String(err)}`);
    await stopPlatform();
    process.exit(1);
  },
);
