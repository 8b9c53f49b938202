/** Pieces of the audit sink benchmark (ops/bench/sink.ts): the workload, the baseline, and readings of a run. */
import { randomUUID } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAuditRecord } from '../../../shared/audit/record';
import type { loadConfig } from '../../../shared/config';
import { createKafka, kafkaOptions } from '../../../shared/kafka';
import { createLogger } from '../../../shared/logger';
import { SchemaCodec } from '../../../shared/registry';
import { AUDIT_SCHEMA_FILE } from '../../../schemas/catalog';

export function sampleRecord(i: number) {
  return buildAuditRecord({
    action: i % 3 ? 'command.accepted' : 'order.state_changed',
    outcome: 'success',
    tenantId: `tenant-${i % 17}`,
    principal: `api-key:sk_${(i % 97).toString(16)}`,
    resourceType: 'order',
    resourceId: randomUUID(),
    requestId: randomUUID(),
    operationId: randomUUID(),
    sourceIp: '10.0.0.7',
    userAgent: 'bench/1.0',
    details: { commandType: 'order.create.v1', from: 'pending', to: 'confirmed', seq: i },
  });
}

export async function fill(config: ReturnType<typeof loadConfig>, topic: string, n: number): Promise<number> {
  const kafka = createKafka({ ...kafkaOptions(config, 'bench-sink-fill'), requestTimeoutMs: 30_000 }, createLogger('bench', 'error'));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const codec = SchemaCodec.create(config.SCHEMA_REGISTRY_URL);
  const t0 = performance.now();
  // 1000 per produce request: a record batch stays under the broker's 1 MiB message.max.bytes
  for (let i = 0; i < n; i += 1000) {
    const values = await Promise.all(Array.from({ length: Math.min(1000, n - i) }, (_, k) => codec.encode(topic, AUDIT_SCHEMA_FILE, sampleRecord(i + k))));
    await producer.send({ topic, acks: -1, messages: values.map((value, k) => ({ key: String(i + k), value })) });
  }
  await producer.disconnect();
  return n / ((performance.now() - t0) / 1000);
}

export function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Top-n self-time functions of a .cpuprofile. */
export function topSelf(file: string, n = 10): { fn: string; ms: number; pct: number }[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((x) => [x.id, x.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const cf = byId.get(id);
    const dt = prof.timeDeltas[i] ?? 0;
    total += dt;
    if (!cf) return;
    const where = cf.url ? ` ${cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|workers|shared)\//, '$1/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
}

export async function segmentLines(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const p of (await fsp.readdir(dir)).filter((d) => /^p\d+$/.test(d)).sort()) {
    for (const f of (await fsp.readdir(path.join(dir, p))).filter((x) => x.endsWith('.seg')).sort()) {
      const data = await fsp.readFile(path.join(dir, p, f));
      for (let pos = 0, nl = data.indexOf(10); nl >= 0; pos = nl + 1, nl = data.indexOf(10, pos)) out.push(data.subarray(pos, nl + 1));
    }
  }
  return out;
}

/** Baseline: the same bytes appended to one file, `perBatch` lines per write, one fsync per batch. */
export async function baseline(lines: Buffer[], perBatch: number): Promise<{ recordsPerSec: number; batches: number; bytes: number }> {
  const file = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'sink-baseline-')), 'append.log');
  const fh = await fsp.open(file, 'a');
  let bytes = 0;
  let batches = 0;
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i += perBatch) {
    const buf = Buffer.concat(lines.slice(i, i + perBatch));
    await fh.write(buf);
    await fh.sync();
    bytes += buf.length;
    batches += 1;
  }
  const secs = (performance.now() - t0) / 1000;
  await fh.close();
  await fsp.rm(path.dirname(file), { recursive: true, force: true });
  return { recordsPerSec: lines.length / secs, batches, bytes };
}
