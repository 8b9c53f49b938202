/**
 * 6. The audit sink scenario is ops/bench/sink.ts (written apart, with its own baseline: the same
 * segment bytes appended with an fsync per batch). This hook runs it, when it exists, as a process
 * of its own:
 *   node --import tsx ops/bench/sink.ts --no-build --label bench --out <tmp file>
 *        [--records N] [--verify-records N | --skip-verify] [--profile]
 * and turns `<file>.bench.throughput` ({sink: {recordsPerSec, rssMaxMb}, baseline: {recordsPerSec},
 * ratio}) into a row. Goal (docs: the sink outruns intake, ≥ 2 records per command): sink records/s
 * ≥ 2 × the gateway's intake maximum of this run (no verdict when intake did not run).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ctx } from '../lib/context';
import { ROOT } from '../lib/infra';
import { startNode } from '../lib/proc';
import type { Row, ScenarioOutcome } from '../lib/report';

export const SINK_BENCH = path.join(ROOT, 'ops', 'bench', 'sink.ts');

interface SinkThroughput {
  records: number;
  sink: { recordsPerSec: number; rssMaxMb: number };
  baseline: { recordsPerSec: number };
  ratio: number;
}

export async function sink(ctx: Ctx): Promise<ScenarioOutcome> {
  const measure = 'audit sink (ops/bench/sink.ts), records durable + indexed';
  if (!fs.existsSync(SINK_BENCH)) {
    return {
      rows: [
        {
          scenario: 'sink',
          measure,
          value: NaN,
          unit: '',
          goal: '≥ 2 × intake',
          ok: null,
          note: 'not run: ops/bench/sink.ts does not exist',
        },
      ],
      details: {},
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-bench-sink-'));
  const file = path.join(dir, 'sink.json');
  const { sinkRecords, sinkVerifyRecords, cpuProfDir } = ctx.opts;
  const args = [
    'ops/bench/sink.ts',
    '--no-build',
    '--label',
    'bench',
    '--out',
    file,
    ...(sinkRecords ? ['--records', String(sinkRecords)] : []),
    ...(sinkVerifyRecords === 0 ? ['--skip-verify'] : sinkVerifyRecords ? ['--verify-records', String(sinkVerifyRecords)] : []),
    ...(cpuProfDir ? ['--profile'] : []),
  ];
  const child = startNode('sink bench', args, { env: process.env, tsx: true, onStdout: (d) => process.stderr.write(d) });
  child.proc.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  const limit = setTimeout(() => child.proc.kill('SIGTERM'), 900_000);
  const code = await new Promise<number | null>((resolve) => child.proc.once('exit', (c) => resolve(c)));
  clearTimeout(limit);
  await child.stop();
  try {
    const doc = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { bench?: { throughput?: SinkThroughput } }) : {};
    const t = doc.bench?.throughput;
    if (code !== 0 || !t || !(t.sink.recordsPerSec > 0)) {
      return {
        rows: [
          {
            scenario: 'sink',
            measure,
            value: NaN,
            unit: '',
            goal: '≥ 2 × intake',
            ok: false,
            note: `ops/bench/sink.ts exited ${code}${!t ? ', no throughput result' : `, ${t.sink.recordsPerSec} records/s for ${t.records} records (too few for one measurement?)`}`,
          },
        ],
        details: { exitCode: code, result: doc },
      };
    }
    const need = ctx.intakeMaxRps === undefined ? undefined : 2 * ctx.intakeMaxRps;
    const row: Row = {
      scenario: 'sink',
      measure: `${measure}, ${t.records} records`,
      value: t.sink.recordsPerSec,
      unit: 'rec/s',
      baseline: { name: 'same bytes, fsync per batch', value: t.baseline.recordsPerSec },
      ratio: t.sink.recordsPerSec / t.baseline.recordsPerSec,
      goal: '≥ 2 × intake',
      ok: need === undefined ? null : t.sink.recordsPerSec >= need,
      note: `${need === undefined ? 'intake not run' : `2 × intake = ${need.toFixed(0)}/s`}; sink RSS ${t.sink.rssMaxMb} MB`,
    };
    return { rows: [row], details: { exitCode: code, result: doc } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
