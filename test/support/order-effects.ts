import type { Deps } from '../../shared/container';
import { readAll } from './faults';
import { waitFor } from './platform';

/** The answer to one `POST /v1/orders`: its status, the operation id of a 202, the problem type otherwise. */
export interface OrderAnswer {
  status: number;
  id: string | null;
  contentType: string;
  problemType?: string;
  ms: number;
}

/** One create-order command through a gateway; a network failure is status 0 (never thrown: it is counted). */
export async function postOrder(url: string, key: string, i: number, timeoutMs = 30_000): Promise<OrderAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
      body: JSON.stringify({ customerId: `fault-${i}`, currency: 'EUR', items: [{ sku: 'SKU-F', quantity: 1, unitPriceMinor: 100 }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const contentType = res.headers.get('content-type') ?? '';
    const body = (await res.json().catch(() => ({}))) as { id?: string; type?: string };
    return { status: res.status, id: res.status === 202 ? body.id! : null, contentType, problemType: body.type, ms: Date.now() - started };
  } catch {
    return { status: 0, id: null, contentType: '', ms: Date.now() - started };
  }
}

export interface OrderEffects {
  /** accepted operations that reached succeeded or failed */
  final: number;
  succeeded: number;
  /** accepted commands without a final state, a succeeded one without its order row, or without its events */
  lost: number;
  /** a second order.created or command.succeeded (a distinct event-id) for the same order or operation */
  duplicated: number;
  missingRows: number;
  repeatedEventIds: number;
}

/**
 * Waits until every accepted operation is final and the outbox is drained, then counts as the worker
 * crash scenario does: one order row, one `order.created` and one `command.succeeded` per accepted
 * create. `onFinal` runs when the last one became final (the recovery time is measured there).
 */
export async function orderEffects(deps: Deps, accepted: string[], onFinal: () => void, timeoutMs = 240_000): Promise<OrderEffects> {
  const conn = deps.orm.em.fork().getConnection();
  const ids = `{${accepted.join(',')}}`;
  const finals = async () =>
    Number(
      (await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status in ('succeeded', 'failed')`, [ids]))[0]!
        .n,
    );
  await waitFor('every accepted command final', async () => (await finals()) === accepted.length, timeoutMs);
  onFinal();
  return countOrderEffects(deps, accepted);
}

/**
 * The counting half of orderEffects, for a scenario that waits for the final states itself: waits
 * for the outbox to drain, then counts rows, `order.created` and `command.succeeded` per accepted create.
 */
export async function countOrderEffects(deps: Deps, accepted: string[]): Promise<OrderEffects> {
  const conn = deps.orm.em.fork().getConnection();
  const ids = `{${accepted.join(',')}}`;
  await waitFor(
    'outbox drained',
    async () => Number((await conn.execute<{ n: string }[]>('select count(*) as n from outbox where published_at is null'))[0]!.n) === 0,
    120_000,
  );
  const rows = await conn.execute<{ id: string; status: string; resource_id: string | null; has_order: boolean }[]>(
    `select o.id, o.status, o.resource_id, exists (select 1 from orders r where r.id::text = o.resource_id) as has_order
     from operations o where o.id = any(?::uuid[])`,
    [ids],
  );
  const succeeded = rows.filter((r) => r.status === 'succeeded');
  const missingRows = succeeded.filter((r) => !r.has_order).length;
  const { messages, repeatedEventIds } = await readAll(deps.kafka, [deps.topics.events('orders'), deps.topics.audit], 120_000);
  // Distinct event-ids per effect: a second application would be a second event-id, not a repeat.
  const createdFor = new Map<string, Set<string>>();
  const succeededFor = new Map<string, Set<string>>();
  for (const m of messages) {
    const type = m.headers['event-type'];
    if (type === 'order.created.v1') (createdFor.get(m.key) ?? createdFor.set(m.key, new Set()).get(m.key)!).add(m.headers['event-id']!);
    if (type === 'audit.command.succeeded') {
      const op = m.headers['operation-id']!;
      (succeededFor.get(op) ?? succeededFor.set(op, new Set()).get(op)!).add(m.headers['event-id']!);
    }
  }
  const twice = (m: Map<string, Set<string>>) => [...m.values()].reduce((n, s) => n + Math.max(0, s.size - 1), 0);
  const missingEvents = succeeded.filter((r) => !createdFor.has(r.resource_id!)).length + succeeded.filter((r) => !succeededFor.has(r.id)).length;
  const final = rows.filter((r) => r.status === 'succeeded' || r.status === 'failed').length;
  return {
    final,
    succeeded: succeeded.length,
    lost: accepted.length - final + missingRows + missingEvents,
    duplicated: twice(createdFor) + twice(succeededFor),
    missingRows,
    repeatedEventIds,
  };
}

/** Count of answers per status, e.g. `202:950 503:50`, for the summary line and failure messages. */
export function statusCounts(answers: OrderAnswer[]): string {
  const by = new Map<number, number>();
  for (const a of answers) by.set(a.status, (by.get(a.status) ?? 0) + 1);
  return [...by]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
}
