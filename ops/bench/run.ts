/**
 * `npm run bench`: every goal with its baseline measured in the same run (docs/BENCHMARKS.md).
 * Infrastructure from .infra/env (ops/infra/up.sh when it is not running), the processes compiled
 * (`npm run build`) and run as children (`node dist/…`), the load generator in a process of its
 * own (ops/bench/load.ts, autocannon), each scenario on a schema/topic prefix of its own that is
 * dropped/deleted at its end. Servers are measured alternately, medians over rounds. Prints one
 * table (stdout; progress on stderr) and writes ops/bench/results/<time>.json (git-ignored).
 *   npm run bench -- [--only intake,reads,worker,e2e,memory,sink] [--duration 10] [--rounds 3]
 *                    [--concurrency 50] [--worker-commands 20000] [--cpu-prof <dir>] [--json <file>]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseBenchArgs, type Scenario } from './lib/args';
import type { Ctx } from './lib/context';
import { ROOT, prepareInfra, stopInfra } from './lib/infra';
import { stopAll } from './lib/proc';
import { renderTable, writeResults, type Row, type ScenarioOutcome } from './lib/report';
import { renderTop } from './cpuprofile';
import { intake } from './scenarios/intake';
import { reads } from './scenarios/reads';
import { worker } from './scenarios/worker';
import { e2e } from './scenarios/e2e';
import { sink } from './scenarios/sink';

const ORDER: [Exclude<Scenario, 'memory'>, (ctx: Ctx) => Promise<ScenarioOutcome>][] = [
  ['intake', intake],
  ['reads', reads],
  ['worker', worker],
  ['e2e', e2e],
  ['sink', sink],
];

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}\n`);

async function main(): Promise<number> {
  const opts = parseBenchArgs(process.argv.slice(2));
  const startedAt = new Date();
  const cpuProfDir = opts.cpuProfDir ? path.resolve(opts.cpuProfDir) : null;
  if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
  const ctx: Ctx = { opts: { ...opts, cpuProfDir }, log, profiled: [] };
  let startedInfra = false;
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: stopping the children; each scenario then cleans up');
    void stopAll();
    process.once('SIGINT', () => process.exit(130));
  });
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    ({ startedInfra } = await prepareInfra(log));
    log(`node ${process.version}; scenarios ${[...opts.only].join(', ')}; ${opts.rounds} round(s) of ${opts.durationS} s, concurrency ${opts.concurrency}`);
    for (const [name, run] of ORDER) {
      if (!opts.only.has(name) || interrupted) continue;
      log(`scenario ${name}`);
      try {
        const out = await run(ctx);
        rows.push(...out.rows);
        details[name] = out.details;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`scenario ${name} failed: ${message}`);
        rows.push({
          scenario: name,
          measure: 'scenario failed',
          value: NaN,
          unit: '',
          goal: '',
          ok: false,
          note: message.split('\n')[0]!.slice(0, 160),
        });
        details[name] = { error: message };
      }
    }
  } finally {
    await stopAll();
    if (startedInfra) stopInfra(log);
  }
  const file = writeResults(opts.resultsFile ?? path.join(ROOT, 'ops', 'bench', 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), {
    options: ctx.opts,
    rows,
    details,
    startedAt,
  });
  console.log(renderTable(rows));
  console.log(
    `\n${rows.filter((r) => r.ok === true).length}/${rows.filter((r) => r.ok !== null).length} goals met; node ${process.version}; results: ${path.relative(ROOT, file)}`,
  );
  if (cpuProfDir) {
    const files = fs.readdirSync(cpuProfDir).filter((f) => f.endsWith('.cpuprofile'));
    for (const p of ctx.profiled) {
      const f = files.find((x) => x.split('.').includes(String(p.pid)));
      console.log(
        `\n${f ? renderTop(`${p.scenario} ${p.name}`, path.join(cpuProfDir, f)) : `${p.scenario} ${p.name} (pid ${p.pid}): no profile written (killed before exit?)`}`,
      );
    }
  }
  return interrupted ? 130 : rows.some((r) => r.ok === false && r.measure === 'scenario failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    void stopAll().finally(() => process.exit(1));
  },
);
