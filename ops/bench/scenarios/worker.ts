/**
 * 3. Worker: the orders command topic pre-filled with N order.create.v1 commands, then ONE compiled
 * worker process (`--domains orders`) started and timed until its group has committed all N; the
 * rate is N over the span between the first and the last operation it applied (updated_at), so
 * process start and group join are not counted (they are reported apart). Baseline: the same with
 * ops/bench/worker-baseline.ts (one transaction per message) on a pre-filled topic of its own per
 * round, stopped once it has run for 2 × --duration s (or finished). Rounds alternate the two.
 * Also the worker's peak RSS (5. Memory).
 */
import type { Ctx } from '../lib/context';
import { startScript, startWorker } from '../lib/context';
import { createPlatform, createTopic, groupBacklog, type Platform } from '../lib/platform';
import { prefillOrderCreates } from '../lib/prefill';
import { sampleRss, waitUntil, type Child } from '../lib/proc';
import type { Row, ScenarioOutcome } from '../lib/report';
import { median, sleep } from '../lib/stats';

interface Applied {
  applied: number;
  succeeded: number;
  rate: number;
  spanS: number;
  /** Process start → first operation applied. */
  startupS: number;
  peakRssMb: number;
}

async function appliedBy(p: Platform, tenant: string, startedAt: number, peakRssMb: number): Promise<Applied> {
  const [r] = await p.sql<{ n: number; ok: number; first: number | null; last: number | null }>(
    `select count(*)::int as n, (count(*) filter (where status = 'succeeded'))::int as ok,
       (extract(epoch from min(updated_at)) * 1000)::float8 as first, (extract(epoch from max(updated_at)) * 1000)::float8 as last
     from operations where tenant_id = ?`,
    [tenant],
  );
  const spanS = r && r.first !== null && r.last !== null ? (r.last - r.first) / 1000 : NaN;
  return {
    applied: r?.n ?? 0,
    succeeded: r?.ok ?? 0,
    rate: (r?.n ?? 0) / spanS,
    spanS,
    startupS: r?.first ? (r.first - startedAt) / 1000 : NaN,
    peakRssMb,
  };
}

/** Runs `child` until its group has nothing left on `topic` (or `capMs` passed), sampling its RSS. */
async function drain(p: Platform, child: Child, group: string, topic: string, capMs: number, mustFinish: boolean): Promise<number> {
  const rss = sampleRss(child.pid);
  let peakMb: number;
  try {
    const deadline = Date.now() + capMs;
    await waitUntil(
      `${child.name} to drain ${topic}`,
      async () => (await groupBacklog(p.kafka, group, topic)) === 0 || (!mustFinish && Date.now() > deadline),
      capMs + 5_000,
      child,
      250,
    );
  } finally {
    peakMb = rss.stop().peakMb;
    await child.stop();
  }
  return peakMb;
}

export async function worker(ctx: Ctx): Promise<ScenarioOutcome> {
  const { workerCommands: n, rounds, durationS } = ctx.opts;
  const p = await createPlatform('worker');
  const workerRuns: Applied[] = [];
  const baselineRuns: Applied[] = [];
  try {
    const topic = p.topics.commands('orders');
    const group = `${p.config.KAFKA_TOPIC_PREFIX}stateset.worker.orders`;
    for (let r = 1; r <= rounds; r++) {
      const wt = `bench-w${r}`;
      await prefillOrderCreates(p, topic, n, wt);
      let startedAt = Date.now();
      const w = startWorker(ctx, p, 'orders');
      const wPeak = await drain(p, w, group, topic, Math.max(300_000, n * 10), true);
      workerRuns.push(await appliedBy(p, wt, startedAt, wPeak));

      const bt = `bench-b${r}`;
      const btopic = `${p.config.KAFKA_TOPIC_PREFIX}bench.baseline.r${r}`;
      const bgroup = `${p.config.KAFKA_TOPIC_PREFIX}bench.baseline.r${r}`;
      await createTopic(p.kafka, btopic, p.config.KAFKA_PARTITIONS_COMMANDS);
      await prefillOrderCreates(p, btopic, n, bt);
      startedAt = Date.now();
      const b = await startScript(
        'worker-baseline',
        'ops/bench/worker-baseline.ts',
        { ...p.env, BENCH_BASELINE_TOPIC: btopic, BENCH_BASELINE_GROUP: bgroup },
        'baseline worker started',
      );
      const bPeak = await drain(p, b, bgroup, btopic, 2 * durationS * 1000, false);
      baselineRuns.push(await appliedBy(p, bt, startedAt, bPeak));
      const [wr, br] = [workerRuns.at(-1)!, baselineRuns.at(-1)!];
      ctx.log(
        `  round ${r} worker: ${wr.applied}/${n} in ${wr.spanS.toFixed(1)} s = ${wr.rate.toFixed(0)}/s (start ${wr.startupS.toFixed(1)} s, RSS ${wr.peakRssMb.toFixed(0)} MB); baseline: ${br.applied} in ${br.spanS.toFixed(1)} s = ${br.rate.toFixed(0)}/s`,
      );
      await sleep(500);
    }
    const rate = median(workerRuns.map((x) => x.rate));
    const base = median(baselineRuns.map((x) => x.rate));
    const incomplete = workerRuns.filter((x) => x.succeeded !== n).length;
    const rows: Row[] = [
      {
        scenario: 'worker',
        measure: `one worker process, ${n} order.create.v1 pre-filled`,
        value: rate,
        unit: 'cmd/s',
        baseline: { name: 'one tx per message', value: base },
        ratio: rate / base,
        goal: '≥ 1000/s and ≥ ×3',
        ok: rate >= 1000 && rate / base >= 3 && incomplete === 0,
        note: incomplete
          ? `${incomplete} round(s) did not apply all ${n} as succeeded`
          : `start ${median(workerRuns.map((x) => x.startupS)).toFixed(1)} s not counted`,
      },
      {
        scenario: 'memory',
        measure: 'worker peak RSS while draining',
        value: Math.max(...workerRuns.map((x) => x.peakRssMb)),
        unit: 'MB',
        goal: '≤ 300 MB',
        ok: Math.max(...workerRuns.map((x) => x.peakRssMb)) <= 300,
      },
    ];
    return { rows, details: { commands: n, worker: workerRuns, baseline: baselineRuns } };
  } finally {
    await p.close();
  }
}
