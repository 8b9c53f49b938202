/**
 * Benchmarks against the real services (source .infra/env first):
 *   1. command intake: POST /v1/orders through the whole gateway (auth, rate limit, validation,
 *      idempotency, Avro, acks=all) vs the baseline of publishing the same Avro command straight
 *      to Kafka with the same producer — the cost of the gateway's promises;
 *   2. end to end: POST → operation succeeded, with the orders worker running.
 * Prints throughput, latency percentiles and memory. Usage: npm run bench [-- --requests 2000 --concurrency 32]
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../shared/config';
import { setupPlatform } from '../cli/setup';
import { createTenantKey, startGateway, startWorker, waitFor } from '../../test/support/platform';
import { publishCommand } from '../../test/support/commands';
import { Operation } from '../../shared/orm';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '32' }, e2e: { type: 'string', default: '300' } } });
const N = Number(values.requests);
const C = Number(values.concurrency);
const E2E = Number(values.e2e);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(name: string, n: number, concurrency: number, one: (i: number) => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const s = performance.now();
      await one(i);
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const r = { name, n, concurrency, throughput: n / secs, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN, rssMb: process.memoryUsage().rss / 2 ** 20, rssDeltaMb: (process.memoryUsage().rss - rssBefore) / 2 ** 20 };
  console.log(`${name.padEnd(44)} ${r.throughput.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  rss ${r.rssMb.toFixed(0)} MB (+${r.rssDeltaMb.toFixed(0)})`);
  return r;
}

async function main() {
  const run = randomUUID().slice(0, 8);
  process.env.DATABASE_SCHEMA = `bench_${run}`;
  process.env.KAFKA_TOPIC_PREFIX = `bench-${run}.`;
  process.env.LOG_LEVEL = 'error';
  // The benchmark measures the pipeline, not the rate limiter's refusals.
  process.env.RATE_LIMIT_WRITE_PER_MIN = '10000000';
  process.env.RATE_LIMIT_READ_PER_MIN = '10000000';
  await setupPlatform(loadConfig());
  const gw = await startGateway();
  const key = await createTenantKey(gw, 'bench');
  const body = JSON.stringify({ customerId: 'bench', currency: 'EUR', items: [{ sku: 'B-1', quantity: 2, unitPriceMinor: 1999 }] });
  const payload = (i: number) => ({ orderId: randomUUID(), customerId: `bench-${i}`, currency: 'EUR', items: [{ sku: 'B-1', quantity: 2, unitPriceMinor: 1999 }], shippingAddress: null, billingAddress: null, notes: null });

  console.log(`node ${process.version}, ${N} requests, concurrency ${C}`);
  // Warm-up: connections, schema ids, JIT.
  for (let i = 0; i < 50; i++) await publishCommand(gw.deps, 'order.create.v1', payload(i), { tenantId: 'bench' });
  for (let i = 0; i < 50; i++) await fetch(`${gw.url}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });

  const baseline = await measure('baseline: Avro publish straight to Kafka', N, C, async (i) => {
    await publishCommand(gw.deps, 'order.create.v1', payload(i), { tenantId: 'bench' });
  });
  const gateway = await measure('gateway: POST /v1/orders → 202', N, C, async () => {
    const r = await fetch(`${gw.url}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    if (r.status !== 202) throw new Error(`unexpected ${r.status}`);
    await r.arrayBuffer();
  });
  const idem = await measure('gateway: POST with Idempotency-Key → 202', N, C, async (i) => {
    const r = await fetch(`${gw.url}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `b-${run}-${i}` }, body });
    if (r.status !== 202) throw new Error(`unexpected ${r.status}`);
    await r.arrayBuffer();
  });
  console.log(`gateway overhead vs baseline: throughput ×${(gateway.throughput / baseline.throughput).toFixed(2)}, p50 +${(gateway.p50 - baseline.p50).toFixed(1)} ms, p99 +${(gateway.p99 - baseline.p99).toFixed(1)} ms; with idempotency ×${(idem.throughput / baseline.throughput).toFixed(2)}`);

  // End to end: the worker drains the backlog first, then we time fresh commands to "succeeded".
  const worker = await startWorker('orders');
  const conn = gw.deps.orm.em.fork();
  await waitFor('backlog drained', async () => (await conn.fork().count(Operation, { status: 'accepted' })) === 0, 600_000);
  await measure(`end to end: POST → operation succeeded (${E2E})`, E2E, Math.min(C, 16), async () => {
    const r = await fetch(`${gw.url}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    const op = (await r.json()) as { id: string };
    const done = await fetch(`${gw.url}/v1/operations/${op.id}`, { headers: { 'x-api-key': key, prefer: 'wait=30' } });
    if (((await done.json()) as { status: string }).status !== 'succeeded') throw new Error('operation did not succeed');
  });
  await worker.close();
  await gw.deps.orm.em.fork().getConnection().execute(`drop schema if exists "${process.env.DATABASE_SCHEMA}" cascade`);
  await gw.close();
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
