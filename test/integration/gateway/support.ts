import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { startGateway, type RunningGateway } from '../../support/platform';
import type { GatewayServices } from '../../../gateway/app';

/**
 * A gateway with its own Redis key prefix (so rate-limit counts never leak between tests) and
 * generous limits unless the test sets its own.
 */
export async function gateway(overrides: Record<string, string> = {}, services?: Partial<GatewayServices>): Promise<RunningGateway> {
  return startGateway(
    {
      REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`,
      RATE_LIMIT_READ_PER_MIN: '100000',
      RATE_LIMIT_WRITE_PER_MIN: '100000',
      RATE_LIMIT_AUTH_PER_MIN: '100000',
      RATE_LIMIT_IP_PER_MIN: '100000',
      RATE_LIMIT_IP_FAILURES_PER_MIN: '100000',
      ...overrides,
    },
    services,
  );
}

export async function waitRedisReady(gw: RunningGateway): Promise<void> {
  const deadline = Date.now() + 5000;
  while (gw.deps.redis.status !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Sum of the high-water offsets of a topic's partitions: how many messages were ever written. */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

export function isProblem(res: { status: number; headers: Record<string, string>; body: unknown }): boolean {
  const b = res.body as Record<string, unknown>;
  return (
    /^application\/problem\+json/.test(res.headers['content-type'] ?? '') &&
    b.status === res.status &&
    typeof b.type === 'string' &&
    typeof b.title === 'string' &&
    typeof b.detail === 'string'
  );
}

/** A value that fits the route's `:id` (a UUID, or a SKU for inventory items). */
export function sampleId(path: string): string {
  return path.startsWith('/v1/inventory/items/') ? 'SKU-MISSING-1' : '00000000-0000-4000-8000-000000000000';
}

export function fillPath(path: string, id: string): string {
  return path.replace(':id', id);
}

/** Plain fetch with a JSON body; for high-concurrency tests where supertest is too slow. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body };
}
