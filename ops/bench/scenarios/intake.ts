/**
 * 1. Intake: POST /v1/orders → 202 through the compiled gateway, with and without an
 * Idempotency-Key (unique per request), against a bare Express 202 route and a naive
 * Express + zod + one-kafkajs-send-per-request app, at fixed concurrency, alternately.
 * Also the gateway's peak RSS over the whole scenario (5. Memory).
 */
import type { Ctx } from '../lib/context';
import { startBaselineServer, startGateway, type Server } from '../lib/context';
import { createPlatform, createTopic } from '../lib/platform';
import { sampleRss } from '../lib/proc';
import type { Row, ScenarioOutcome } from '../lib/report';
import { alternate, note, postOrder } from '../lib/rounds';

export async function intake(ctx: Ctx): Promise<ScenarioOutcome> {
  const p = await createPlatform('intake');
  const servers: Server[] = [];
  try {
    const naiveTopic = `${p.config.KAFKA_TOPIC_PREFIX}bench.naive`;
    await createTopic(p.kafka, naiveTopic, p.config.KAFKA_PARTITIONS_COMMANDS);
    const gw = await startGateway(ctx, p);
    servers.push(gw);
    const rss = sampleRss(gw.child.pid);
    const bare = await startBaselineServer('bare', 'ops/bench/servers/bare.ts', p.env);
    servers.push(bare);
    const naive = await startBaselineServer('naive', 'ops/bench/servers/naive.ts', { ...p.env, BENCH_NAIVE_TOPIC: naiveTopic });
    servers.push(naive);

    const m = await alternate(
      ctx,
      [
        { name: 'gateway', url: gw.url, requests: [postOrder(p.key)] },
        { name: 'gateway-idempotent', url: gw.url, requests: [postOrder(p.key)], uniqueIdempotencyKey: true },
        { name: 'bare', url: bare.url, requests: [postOrder()] },
        { name: 'naive', url: naive.url, requests: [postOrder()] },
      ],
      202,
    );
    const memory = rss.stop();
    const gwM = m.gateway!;
    const ratio = (a: number, b: number) => a / b;
    ctx.intakeMaxRps = gwM.rps;
    const c = `c=${ctx.opts.concurrency}`;
    const rows: Row[] = [
      {
        scenario: 'intake',
        measure: `gateway POST /v1/orders → 202, ${c}`,
        value: gwM.rps,
        unit: 'req/s',
        baseline: { name: 'bare Express 202', value: m.bare!.rps },
        ratio: ratio(gwM.rps, m.bare!.rps),
        goal: '≥ ×0.5',
        ok: ratio(gwM.rps, m.bare!.rps) >= 0.5,
        note: note(gwM),
      },
      {
        scenario: 'intake',
        measure: `gateway POST /v1/orders → 202, ${c}`,
        value: gwM.rps,
        unit: 'req/s',
        baseline: { name: 'naive Express+kafkajs', value: m.naive!.rps },
        ratio: ratio(gwM.rps, m.naive!.rps),
        goal: '≥ ×1.5',
        ok: ratio(gwM.rps, m.naive!.rps) >= 1.5,
        note: `naive ${note(m.naive!)}`,
      },
      {
        scenario: 'intake',
        measure: `gateway with Idempotency-Key, ${c}`,
        value: m['gateway-idempotent']!.rps,
        unit: 'req/s',
        baseline: { name: 'gateway without', value: gwM.rps },
        ratio: ratio(m['gateway-idempotent']!.rps, gwM.rps),
        goal: '≥ ×0.8',
        ok: ratio(m['gateway-idempotent']!.rps, gwM.rps) >= 0.8,
        note: note(m['gateway-idempotent']!),
      },
      {
        scenario: 'memory',
        measure: 'gateway peak RSS during max-rate intake',
        value: memory.peakMb,
        unit: 'MB',
        goal: '≤ 250 MB',
        ok: memory.peakMb <= 250,
        note: `VmHWM ${memory.hwmMb.toFixed(0)} MB`,
      },
    ];
    return { rows, details: { targets: m, gatewayRss: memory } };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
    await p.close();
  }
}
