/**
 * Audit sink benchmark against the real services (source .infra/env first). Loopback only, bounded in
 * time, stops by itself; results printed and written to ops/bench/results/sink.json.
 *   1. throughput: fills `<prefix>stateset.audit` (a topic prefix and PostgreSQL schema of its own) with
 *      N Avro AuditRecords, then runs the sink as its own process (`node dist/workers/audit-sink/main.js`,
 *      fs store) and measures records/s until all are durable and indexed in audit_events (polling the
 *      sink's metrics and the table); baseline: the same segment bytes appended to a temp file in batches
 *      of the sink's batch size with an fsync per batch. `--profile` runs the sink under `node --cpu-prof`
 *      and prints the top-10 self-time functions.
 *   2. verification at `--verify-records` (1,000,000): a store written through the store API, a full
 *      verifyStore vs incremental runs (10 new segments + the sample) at 10 % and 100 % of that size.
 * Usage: bash ops/node/with-node24.sh tsx ops/bench/sink.ts [--records 200000] [--profile] [--verify-records 1000000]
 *        [--sink-dist dist] [--no-build] [--skip-throughput] [--skip-verify] [--timeout-s 600]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config';
import { dropProcessRoles, initORM } from '../../shared/orm';
import { topicNames } from '../../schemas/topics';
import { setupPlatform } from '../cli/setup';
import { sampleRecord, fill, metric, rssOf, topSelf, segmentLines, baseline } from './lib/sink-support';
import { FsWormStore, IncrementalVerifier, verifyStore, type AuditEntry, type FsWormStoreConfig } from '../../workers/audit-sink/store';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'verify-records': { type: 'string', default: '1000000' },
    profile: { type: 'boolean', default: false },
    'sink-dist': { type: 'string', default: 'dist' },
    'no-build': { type: 'boolean', default: false },
    'skip-throughput': { type: 'boolean', default: false },
    'skip-verify': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '600' },
    label: { type: 'string', default: 'after' },
    out: { type: 'string', default: 'ops/bench/results/sink.json' },
  },
});
const root = path.resolve(__dirname, '..', '..');
const deadline = Date.now() + Number(args['timeout-s']) * 1000;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function throughput(n: number) {
  const run = randomUUID().slice(0, 8);
  Object.assign(process.env, { DATABASE_SCHEMA: `bench_sink_${run}`, KAFKA_TOPIC_PREFIX: `bench-sink-${run}.`, LOG_LEVEL: 'error' });
  const config = loadConfig();
  await setupPlatform(config);
  const topic = topicNames(config.KAFKA_TOPIC_PREFIX).audit;
  const produced = await fill(config, topic, n);
  console.log(`filled ${topic} with ${n} records (${produced.toFixed(0)} records/s)`);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sink-bench-'));
  const profDir = path.join(dir, 'profile');
  const metricsBase = 20000 + Math.floor(Math.random() * 20000);
  const env = {
    ...process.env,
    AUDIT_STORE: 'fs',
    AUDIT_DIR: path.join(dir, 'segments'),
    AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
    METRICS_PORT: String(metricsBase),
    METRICS_HOST: '127.0.0.1',
    AUDIT_VERIFY_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
  };
  const main = path.resolve(root, args['sink-dist'] as string, 'workers/audit-sink/main.js');
  const child = spawn(process.execPath, [...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), main], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const orm = await initORM(config);
  const conn = orm.em.fork().getConnection();
  const tSpawn = performance.now();
  let first: { t: number; n: number } | null = null;
  let tDurable = 0;
  let tIndexed = 0;
  let rssMax = 0;
  let appends = 0;
  let written = 0;
  for (let polls = 0; !tIndexed; polls += 1) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`sink did not finish: ${written}/${n} durable (exit ${String(child.exitCode)})`);
    await sleep(100);
    rssMax = Math.max(rssMax, rssOf(child.pid as number));
    const text = await fetch(`http://127.0.0.1:${metricsBase + 6}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    written = metric(text, 'stateset_audit_records_written_total');
    appends = metric(text, 'stateset_audit_persist_duration_seconds_count');
    const now = performance.now();
    if (!first && written > 0) first = { t: now, n: written };
    if (!tDurable && written >= n) tDurable = now;
    if (tDurable && polls % 2 === 0) {
      const [row] = await conn.execute<{ n: string }[]>('select count(*) as n from audit_events');
      if (Number(row?.n) >= n) tIndexed = performance.now();
    }
  }
  child.kill('SIGTERM');
  const code = await exited;
  await orm.em.getConnection().execute(`drop schema if exists "${config.DATABASE_SCHEMA}" cascade`);
  await dropProcessRoles(orm, config.DATABASE_SCHEMA);
  await orm.close(true);
  const f = first as { t: number; n: number };
  const lines = await segmentLines(env.AUDIT_DIR);
  const perBatch = Math.max(1, Math.round(n / Math.max(1, appends)));
  const base = await baseline(lines, perBatch);
  const sinkRate = (n - f.n) / ((tIndexed - f.t) / 1000);
  const profile = args.profile
    ? ((await fsp.readdir(profDir)).filter((x) => x.endsWith('.cpuprofile')).map((x) => topSelf(path.join(profDir, x)))[0] ?? [])
    : [];
  await fsp.rm(dir, { recursive: true, force: true });
  return {
    records: n,
    storedLines: lines.length,
    sinkExit: code,
    appends,
    recordsPerAppend: perBatch,
    sink: {
      recordsPerSec: Math.round(sinkRate),
      durablePerSec: Math.round((n - f.n) / ((tDurable - f.t) / 1000)),
      wallFromSpawnS: Math.round((tIndexed - tSpawn) / 100) / 10,
      rssMaxMb: mb(rssMax),
    },
    baseline: {
      recordsPerSec: Math.round(base.recordsPerSec),
      batches: base.batches,
      mb: mb(base.bytes),
      rssMb: mb(process.memoryUsage().rss),
    },
    ratio: Number((sinkRate / base.recordsPerSec).toPrecision(3)),
    profileTop10: profile,
  };
}

/** A store of `total` records through the store API; full verify vs incremental runs at 10 % and 100 %. */
async function verification(total: number) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'sink-verify-'));
  const cfg: FsWormStoreConfig = {
    kind: 'fs',
    dir: path.join(dir, 'segments'),
    checkpointDir: path.join(dir, 'checkpoints'),
    maxSegmentRecords: 1000,
    maxSegmentAgeMs: 60_000,
  };
  const store = new FsWormStore(cfg);
  await store.init();
  let offset = 0;
  const write = async (n: number) => {
    for (let end = offset + n; offset < end;) {
      const batch: AuditEntry[] = [];
      for (let k = 0; k < 5000 && offset < end; k += 1, offset += 1) batch.push({ partition: 0, offset: String(offset), record: sampleRecord(offset) });
      await store.append(batch);
    }
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await fn();
    const cpu = process.cpuUsage(c0);
    return { value, wallMs: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  };
  const rows: {
    records: number;
    full: { wallMs: number; cpuMs: number };
    interval: { wallMs: number; cpuMs: number; newSegments: number; sampled: number };
    idle: { wallMs: number; cpuMs: number };
  }[] = [];
  let storeRate = 0;
  for (const size of [Math.round(total / 10), total]) {
    const before = offset;
    const w = await timed(() => write(size - offset));
    storeRate = Math.max(storeRate, Math.round((size - before) / (w.wallMs / 1000)));
    const full = await timed(() => verifyStore(cfg));
    if (!full.value.ok) throw new Error(`full verify failed: ${JSON.stringify(full.value)}`);
    const v = new IncrementalVerifier(cfg, { maxNewSegments: 1e9 });
    await v.run(); // catch-up (≈ a full verification, once per process start)
    await write(10_000); // 10 new sealed segments, as sealed between two runs
    const interval = await timed(() => v.run());
    const idle = await timed(() => v.run());
    if (!interval.value.ok || !idle.value.ok) throw new Error('incremental verify failed');
    rows.push({
      records: offset,
      full: { wallMs: full.wallMs, cpuMs: full.cpuMs },
      interval: {
        wallMs: interval.wallMs,
        cpuMs: interval.cpuMs,
        newSegments: interval.value.newSegments,
        sampled: interval.value.sampled.length,
      },
      idle: { wallMs: idle.wallMs, cpuMs: idle.cpuMs },
    });
    console.log(
      `  ${offset} records: full verify ${full.wallMs} ms (cpu ${full.cpuMs} ms); incremental interval (${interval.value.newSegments} new segments + ${interval.value.sampled.length} sampled) ${interval.wallMs} ms (cpu ${interval.cpuMs} ms); sample only ${idle.wallMs} ms`,
    );
  }
  await store.close();
  await fsp.rm(dir, { recursive: true, force: true });
  return { storeApiRecordsPerSec: storeRate, rows };
}

async function main() {
  const result: Record<string, unknown> = {
    label: args.label,
    node: process.version,
    cpus: os.cpus().length,
    at: new Date().toISOString(),
  };
  if (!args['skip-throughput']) {
    if (!args['no-build'] && args['sink-dist'] === 'dist') spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    const t = await throughput(Number(args.records));
    result.throughput = t;
    console.log('\n| run | records/s | ratio to baseline | RSS |\n| --- | ---: | ---: | ---: |');
    console.log(
      `| sink (${args.label}; fs store, ${t.recordsPerAppend} records/append, durable + indexed) | ${t.sink.recordsPerSec} | ×${t.ratio} | ${t.sink.rssMaxMb} MB |`,
    );
    console.log(
      `| baseline: same bytes, fsync per ${t.recordsPerAppend} records | ${t.baseline.recordsPerSec} | ×1 | ${t.baseline.rssMb} MB (bench process) |`,
    );
    console.log(`durable-only ${t.sink.durablePerSec} records/s; ${t.appends} appends; wall from spawn ${t.sink.wallFromSpawnS} s`);
    for (const p of t.profileTop10) console.log(`  ${String(p.pct).padStart(5)} %  ${String(p.ms).padStart(6)} ms  ${p.fn}`);
  }
  if (!args['skip-verify'] && Number(args['verify-records']) > 0) {
    console.log(`\nverification, store of ${args['verify-records']} records (written through the store API):`);
    result.verification = await verification(Number(args['verify-records']));
  }
  const out = path.resolve(root, args.out as string);
  await fsp.mkdir(path.dirname(out), { recursive: true });
  const previous = await fsp.readFile(out, 'utf8').then(
    (s) => JSON.parse(s) as Record<string, unknown>,
    () => ({}),
  );
  await fsp.writeFile(out, `${JSON.stringify({ ...previous, [String(args.label)]: result }, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(root, out)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
