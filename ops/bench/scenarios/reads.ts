/**
 * 2. Reads: GET /v1/orders/{id} and GET /v1/operations/{id} through the compiled gateway (orders
 * made through it and applied by a worker first) against a bare Express route answering the same
 * JSON texts, at fixed concurrency, alternately.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ctx } from '../lib/context';
import { startBaselineServer, startGateway, startWorker, type Server } from '../lib/context';
import type { HttpRequestSpec } from '../lib/load-spec';
import { createPlatform, type Platform } from '../lib/platform';
import { waitUntil } from '../lib/proc';
import type { Row, ScenarioOutcome } from '../lib/report';
import { alternate, note, postOrder } from '../lib/rounds';

const ORDERS = 20;

/** POSTs an order and long-polls its operation until it succeeded; returns the operation id and order id. */
export async function createOrder(url: string, key: string): Promise<{ operationId: string; orderId: string }> {
  const post = postOrder(key);
  const r = await fetch(`${url}${post.path}`, { method: 'POST', headers: post.headers, body: post.body! });
  if (r.status !== 202) throw new Error(`POST /v1/orders answered ${r.status}: ${await r.text()}`);
  const operationId = ((await r.json()) as { id: string }).id;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const op = (await (await fetch(`${url}/v1/operations/${operationId}`, { headers: { 'x-api-key': key, prefer: 'wait=10' } })).json()) as {
      status: string;
      resource?: { id: string };
    };
    if (op.status === 'succeeded' && op.resource) return { operationId, orderId: op.resource.id };
    if (op.status === 'failed' || Date.now() > deadline) throw new Error(`operation ${operationId} ended ${op.status}`);
  }
}

async function capture(url: string, key: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const r = await fetch(`${url}${p}`, { headers: { 'x-api-key': key } });
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
    out[p] = await r.text();
  }
  return out;
}

export async function reads(ctx: Ctx): Promise<ScenarioOutcome> {
  const p: Platform = await createPlatform('reads');
  const servers: Server[] = [];
  try {
    const gw = await startGateway(ctx, p);
    servers.push(gw);
    const worker = startWorker(ctx, p, 'orders');
    servers.push({ child: worker, url: '' });
    const made: { operationId: string; orderId: string }[] = [];
    made.push(await waitUntil('the worker to apply a first order', () => createOrder(gw.url, p.key), 90_000, worker, 500));
    while (made.length < ORDERS) made.push(await createOrder(gw.url, p.key));
    await worker.stop();
    const orderPaths = made.map((m) => `/v1/orders/${m.orderId}`);
    const opPaths = made.map((m) => `/v1/operations/${m.operationId}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-bench-')), 'reads.json');
    fs.writeFileSync(file, JSON.stringify({ ...(await capture(gw.url, p.key, orderPaths)), ...(await capture(gw.url, p.key, opPaths)) }));
    const bare = await startBaselineServer('bare', 'ops/bench/servers/bare.ts', { ...p.env, BENCH_READS_FILE: file });
    servers.push(bare);

    const get = (paths: string[], key?: string): HttpRequestSpec[] =>
      paths.map((x) => ({ method: 'GET', path: x, headers: key ? { 'x-api-key': key } : ({} as Record<string, string>) }));
    const m = await alternate(
      ctx,
      [
        { name: 'gateway-orders', url: gw.url, requests: get(orderPaths, p.key) },
        { name: 'bare-orders', url: bare.url, requests: get(orderPaths) },
        { name: 'gateway-operations', url: gw.url, requests: get(opPaths, p.key) },
        { name: 'bare-operations', url: bare.url, requests: get(opPaths) },
      ],
      200,
    );
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const row = (what: string, gwName: string, bareName: string): Row => {
      const ratio = m[gwName]!.rps / m[bareName]!.rps;
      return {
        scenario: 'reads',
        measure: `gateway GET ${what}, c=${ctx.opts.concurrency}`,
        value: m[gwName]!.rps,
        unit: 'req/s',
        baseline: { name: 'bare Express, same JSON', value: m[bareName]!.rps },
        ratio,
        goal: '≥ ×0.4',
        ok: ratio >= 0.4,
        note: note(m[gwName]!),
      };
    };
    return {
      rows: [row('/v1/orders/{id}', 'gateway-orders', 'bare-orders'), row('/v1/operations/{id}', 'gateway-operations', 'bare-operations')],
      details: { targets: m },
    };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
    await p.close();
  }
}
