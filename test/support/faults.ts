import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import { readHeader } from '../../shared/kafka';

const root = path.resolve(__dirname, '..', '..');

/** The one-line result every fault scenario prints, and the figures docs/RELIABILITY.md records. */
export interface FaultSummary {
  sent: number;
  accepted: number;
  completed: number;
  lost: number;
  duplicated: number;
  recoveredS: number;
  /** repeated event-ids on the event and audit topics (at-least-once redeliveries, not double effects) */
  repeatedEventIds?: number;
  extra?: Record<string, number | string>;
}

export function formatSummary(s: FaultSummary): string {
  const extra = s.extra
    ? Object.entries(s.extra)
        .map(([k, v]) => `, ${k} ${v}`)
        .join('')
    : '';
  const repeated = s.repeatedEventIds === undefined ? '' : `, repeated event-ids ${s.repeatedEventIds}`;
  return `sent ${s.sent}, accepted ${s.accepted}, completed ${s.completed}, lost ${s.lost}, duplicated ${s.duplicated}, recovered in ${s.recoveredS.toFixed(1)} s${repeated}${extra}`;
}

/** Prints the summary line and keeps it (with the date) in .data/faults/<scenario>.json for the report. */
export function reportFault(scenario: string, s: FaultSummary): void {
  console.log(`    [fault] ${scenario}: ${formatSummary(s)}`);
  const dir = path.join(root, '.data', 'faults');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${scenario}.json`), JSON.stringify({ scenario, at: new Date().toISOString(), ...s }, null, 2));
}

/** A compiled platform process (dist/…), its output kept for the failure message. */
export interface ChildHandle {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnCompiled(entry: string, env: NodeJS.ProcessEnv, args: string[] = []): ChildHandle {
  const file = path.join(root, entry);
  if (!fs.existsSync(file)) throw new Error(`${entry} is missing: run \`npm run build\` (npm test does)`);
  let out = '';
  const child = spawn(process.execPath, [file, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/**
 * Every message of `topics` from the beginning, with a fresh consumer group: how often each event-id
 * occurs, and the messages (headers as strings) for the scenario's own counting.
 */
export async function readAll(
  kafka: Kafka,
  topics: string[],
  timeoutMs = 30_000,
): Promise<{ messages: { topic: string; headers: Record<string, string>; key: string }[]; repeatedEventIds: number }> {
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  try {
    for (const t of topics) for (const o of await admin.fetchTopicOffsets(t)) expected += Number(o.high) - Number(o.low);
  } finally {
    await admin.disconnect();
  }
  const messages: { topic: string; headers: Record<string, string>; key: string }[] = [];
  if (expected > 0) {
    const consumer = kafka.consumer({ groupId: `fault-reader-${randomUUID()}` });
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length}/${expected} messages of ${topics.join(', ')}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          const headers: Record<string, string> = {};
          for (const name of Object.keys(message.headers ?? {})) headers[name] = readHeader(message.headers, name) ?? '';
          messages.push({ topic, headers, key: message.key?.toString() ?? '' });
          if (messages.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
  }
  const seen = new Map<string, number>();
  for (const m of messages) {
    const id = m.headers['event-id'];
    if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const repeatedEventIds = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  return { messages, repeatedEventIds };
}

/** Sends `n` requests with at most `concurrency` in flight; resolves with each result in order. */
export async function pooled<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/**
 * The most repeated event-ids a fault may leave: one outbox batch in flight per fault (one relay at a
 * time publishes, shared/outbox/relay.ts, 500 rows a batch), republished after it.
 */
export const OUTBOX_BATCH = 500;
export const repeatBound = (faults: number) => faults * OUTBOX_BATCH;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Awaits a cleanup step for at most `ms`: a hung close must fail the run loudly, not hold it for the mocha timeout. */
export async function bounded<T>(what: string, p: Promise<T> | undefined, ms = 30_000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
