/**
 * 4. End to end: the compiled gateway and one all-domain worker; an open loop at 50 % of the
 * gateway's maximum intake (from the intake scenario of this run, or measured here first) POSTs
 * orders and long-polls each operation (`Prefer: wait=10`) until it succeeded: p50/p99 of
 * POST → succeeded. Event latency: the worker's commit (the operation's updated_at) → the
 * order.created event arriving at a consumer of stateset.events.orders (record timestamps too).
 */
import type { Ctx } from '../lib/context';
import { startGateway, startWorker, type Server } from '../lib/context';
import { maxRate, paced } from '../lib/load-client';
import { startEventProbe } from '../lib/events';
import { createPlatform, groupBacklog } from '../lib/platform';
import { waitUntil, type Child } from '../lib/proc';
import type { Row, ScenarioOutcome } from '../lib/report';
import { postOrder } from '../lib/rounds';
import { createOrder } from './reads';
import { median, percentiles, type Percentiles } from '../lib/stats';

export async function e2e(ctx: Ctx): Promise<ScenarioOutcome> {
  const { durationS, rounds, concurrency } = ctx.opts;
  const p = await createPlatform('e2e');
  const children: Child[] = [];
  let probe: Awaited<ReturnType<typeof startEventProbe>> | null = null;
  try {
    const gw: Server = await startGateway(ctx, p);
    children.push(gw.child);
    let maxRps = ctx.intakeMaxRps;
    if (maxRps === undefined) {
      maxRps = (await maxRate({ url: gw.url, connections: concurrency, durationS, requests: [postOrder(p.key)], expectStatus: 202 })).rps;
      ctx.log(`  intake maximum measured here: ${maxRps.toFixed(0)}/s`);
    }
    const rate = Math.max(1, Math.round(maxRps / 2));
    const worker = startWorker(ctx, p, 'all');
    children.push(worker);
    await waitUntil('the worker to apply a first order', () => createOrder(gw.url, p.key), 90_000, worker, 500);
    const group = `${p.config.KAFKA_TOPIC_PREFIX}stateset.worker.orders`;
    const drained = () =>
      waitUntil('the worker to drain the backlog', async () => (await groupBacklog(p.kafka, group, p.topics.commands('orders'))) === 0, 300_000, worker, 500);
    await drained();
    probe = await startEventProbe(p.kafka, p.topics.events('orders'), `${p.config.KAFKA_TOPIC_PREFIX}bench.event-probe`, 'order.created.v1');

    const load = (d: number) => paced({ url: gw.url, ratePerS: rate, durationS: d, request: postOrder(p.key), apiKey: p.key, waitS: 10 });
    await load(Math.min(2, durationS));
    const perRound: {
      e2e: Percentiles;
      event: Percentiles;
      eventByTimestamp: Percentiles;
      achieved: number;
      sent: number;
      succeeded: number;
      errors: number;
      errorKinds: Record<string, number>;
    }[] = [];
    for (let r = 1; r <= rounds; r++) {
      await drained(); // every round starts without a backlog
      const res = await load(durationS);
      const arrivals = probe.arrivals;
      await waitUntil('every order.created event', async () => res.operationIds.every((id) => arrivals.has(id)), 15_000).catch(() => undefined);
      const rows = await p.sql<{ id: string; t: number }>(
        `select id::text as id, (extract(epoch from updated_at) * 1000)::float8 as t from operations where id = any(cast(? as uuid[]))`,
        [`{${res.operationIds.join(',')}}`],
      );
      const committed = new Map(rows.map((x) => [x.id, x.t]));
      const ev: number[] = [];
      const evTs: number[] = [];
      for (const id of res.operationIds) {
        const a = arrivals.get(id);
        const t = committed.get(id);
        if (a && t !== undefined) {
          ev.push(a.arrivedMs - t);
          evTs.push(a.timestampMs - t);
        }
      }
      perRound.push({
        e2e: percentiles(res.latenciesMs),
        event: percentiles(ev),
        eventByTimestamp: percentiles(evTs),
        achieved: res.achievedRatePerS,
        sent: res.sent,
        succeeded: res.succeeded,
        errors: res.errors + res.failed,
        errorKinds: res.errorKinds,
      });
      const x = perRound.at(-1)!;
      // Failed requests with a gateway that is no longer running: say so, with its last words.
      if (x.errors > 0 && (gw.child.proc.exitCode !== null || gw.child.proc.signalCode !== null)) {
        ctx.log(`  the gateway exited (${gw.child.proc.exitCode ?? gw.child.proc.signalCode}) during round ${r}:\n${gw.child.output().slice(-3000)}`);
      }
      ctx.log(
        `  round ${r}: ${x.succeeded}/${x.sent} at ${x.achieved.toFixed(0)}/s: POST→succeeded p50 ${x.e2e.p50.toFixed(1)} p99 ${x.e2e.p99.toFixed(1)} ms; event p50 ${x.event.p50.toFixed(1)} p99 ${x.event.p99.toFixed(1)} ms (${x.event.n} events)${x.errors ? `; errors: ${JSON.stringify(x.errorKinds)}` : ''}`,
      );
    }
    const med = (f: (x: (typeof perRound)[number]) => number) => median(perRound.map(f));
    const lost = perRound.reduce((n, x) => n + (x.sent - x.succeeded), 0);
    const missingEvents = perRound.reduce((n, x) => n + (x.succeeded - x.event.n), 0);
    const at = `at ${rate}/s (50 % of ${maxRps.toFixed(0)}/s)`;
    const rows: Row[] = [
      {
        scenario: 'e2e',
        measure: `POST → succeeded p50, ${at}`,
        value: med((x) => x.e2e.p50),
        unit: 'ms',
        goal: '≤ 25 ms',
        ok: med((x) => x.e2e.p50) <= 25 && lost === 0,
        note: lost ? `${lost} not succeeded` : undefined,
      },
      {
        scenario: 'e2e',
        measure: `POST → succeeded p99, ${at}`,
        value: med((x) => x.e2e.p99),
        unit: 'ms',
        goal: '≤ 150 ms',
        ok: med((x) => x.e2e.p99) <= 150 && lost === 0,
      },
      {
        scenario: 'e2e',
        measure: 'event latency p99: commit → order.created consumed',
        value: med((x) => x.event.p99),
        unit: 'ms',
        goal: '≤ 100 ms',
        ok: med((x) => x.event.p99) <= 100 && missingEvents === 0,
        note: `p50 ${med((x) => x.event.p50).toFixed(1)} ms; record timestamp p99 ${med((x) => x.eventByTimestamp.p99).toFixed(1)} ms${missingEvents ? `; ${missingEvents} events missing` : ''}`,
      },
    ];
    return { rows, details: { ratePerS: rate, intakeMaxRps: maxRps, rounds: perRound } };
  } finally {
    await probe?.stop();
    await Promise.all(children.map((c) => c.stop()));
    await p.close();
  }
}
