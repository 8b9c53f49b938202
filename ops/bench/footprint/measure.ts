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
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OutputLog } from './output';
import { machine, sample as sampleTree, statOf, tree as treeOf, type Sample } from './procfs';
import { print, type PerProcLoad } from './report';
import { apiClient } from './http';

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

const cwd = path.resolve(values.cwd);
const treeOptions = { exclude: new RegExp(values.exclude), cwd };
const tree = (root: number) => treeOf(root, treeOptions);
const sample = (root: number, t0: number) => sampleTree(root, t0, treeOptions);
const output = new OutputLog(values.log, cwd);
const base = values.url.replace(/\/$/, '');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const num = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};

const http = apiClient(base);
const ORDER = { customerId: 'c1', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 100 }] };

// ---------------------------------------------------------------- main
let platform: ChildProcess | undefined;
let rootPid: number | undefined;

async function stopPlatform(): Promise<number | undefined> {
  if (!platform || rootPid === undefined || values['keep-running']) return undefined;
  output.phase = 'stop';
  const t = performance.now();
  const pids = tree(rootPid).map((p) => p.pid);
  if (!pids.includes(rootPid)) pids.push(rootPid);
  try {
    process.kill(rootPid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const alive = () =>
    pids.filter((p) => {
      const st = statOf(p);
      return st !== undefined && st.state !== 'Z';
    });
  while (alive().length && performance.now() - t < 20_000) await sleep(200);
  for (const p of alive()) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
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
    if (values.setup) {
      await output.run(values.setup, 'setup');
      timings.setupDoneS = since();
    }
    if (values['key-cmd']) {
      const out = (await output.run(values['key-cmd'], 'keys')).trim();
      try {
        key = String((JSON.parse(out.split('\n').pop() ?? '') as { key: unknown }).key);
      } catch {
        key = out.split('\n').pop();
      }
      timings.keyDoneS = since();
    }
    timings.platformSpawnS = since();
    platform = spawn('bash', ['-c', values.start], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    rootPid = platform.pid;
    output.capture(platform, 'platform');
    platform.on('exit', (code, sig) => {
      if (output.phase !== 'stop') console.error(`platform exited early (${sig ?? code})`);
    });
  }
  if (rootPid === undefined || !key) throw new Error('no supervisor pid or no API key (--key / --key-cmd)');
  const root = rootPid;

  // A: /readyz, then one order to `succeeded`.
  const readyDeadline = performance.now() + num('ready-timeout-s', values['ready-timeout-s']) * 1000;
  for (;;) {
    if (performance.now() > readyDeadline) throw new Error('/readyz never answered 200');
    const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
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
  output.phase = 'idle';
  await sleep(Math.max(0, readyAt + num('idle-s', values['idle-s']) * 1000 - performance.now()));
  const idle = sample(root, t0);
  result.idle = idle;
  const idleCpuCores = (idle.procs.reduce((a, p) => a + p.cpuS, 0) - cpuAtReady) / ((performance.now() - readyAt) / 1000);
  result.idleCpuCores = idleCpuCores;

  // C: load from a separate process, RSS every second.
  if (!values['no-load']) {
    output.phase = 'load';
    const loadArgs = [
      ...process.execArgv,
      path.join(__dirname, 'load.ts'),
      '--url',
      base,
      '--key',
      key,
      '--concurrency',
      values.concurrency,
      '--duration-s',
      values['load-s'],
    ];
    const m0 = machine();
    const samples: Sample[] = [sample(root, t0)];
    const loader = spawn(values['load-node'], loadArgs, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let loadOut = '';
    loader.stdout.on('data', (d: Buffer) => {
      loadOut += d.toString();
    });
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
      pid: p.pid,
      name: p.name,
      peakMb: Math.max(...samples.map((s) => s.procs.find((q) => q.pid === p.pid)?.rssMb ?? 0)),
      endMb: p.rssMb,
      cpuS: p.cpuS - (first?.procs.find((q) => q.pid === p.pid)?.cpuS ?? 0),
    }));
    const platformCpuS = perProc.reduce((a, p) => a + p.cpuS, 0);
    const wallS = (last?.t ?? 0) - (first?.t ?? 0);
    // Drain: every one of the last accepted operations reaches a final status (per-partition
    // order makes that the whole backlog, give or take the last ones' follow-up events).
    output.phase = 'drain';
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
      machine: {
        cores: availableParallelism(),
        wallS,
        busyCpuS: m1.busyS - m0.busyS,
        platformCpuS,
        loadavgBefore: m0.loadavg,
        loadavgAfter: m1.loadavg,
      },
      generator: { ...gen, lastIds: gen.lastIds?.length },
      peakTotalMb: Math.max(...samples.map((s) => s.totalMb)),
      endTotalMb: last?.totalMb ?? NaN,
      perProc,
      samples: samples.map((s) => ({ t: s.t, totalMb: s.totalMb, rss: Object.fromEntries(s.procs.map((p) => [p.name, p.rssMb])) })),
    };
  }

  const stopS = await stopPlatform();
  if (stopS !== undefined) timings.stopS = stopS;
  result.output = output.counted();
  print(result, idle, idleCpuCores);
  if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
}

process.on('SIGINT', () => {
  void stopPlatform().then(() => process.exit(130));
});
main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(`measure: ${err instanceof Error ? err.message : String(err)}`);
    await stopPlatform();
    process.exit(1);
  },
);
