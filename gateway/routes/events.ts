import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { events } from '../../schemas/catalog';
import { InputError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { tenantOf } from '../http/tenant-queries';

export const eventFeedQuery = z.strictObject({
  after: z.string().max(100).optional(),
  type: z.enum(events.map((e) => e.type) as [string, ...string[]]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** A position in the feed: the writing transaction and the row's sequence number, opaque to clients. */
interface FeedPosition {
  txId: string;
  seq: string;
}

function encodePosition(p: FeedPosition): string {
  return Buffer.from(`${p.txId}.${p.seq}`).toString('base64url');
}

function decodePosition(s: string | undefined): FeedPosition | undefined {
  if (s === undefined) return undefined;
  const m = /^(\d{1,20})\.(\d{1,20})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) throw new InputError('invalid cursor', [{ path: 'query.after', message: 'not a cursor returned by this API' }]);
  return { txId: m[1]!, seq: m[2]! };
}

interface FeedRow {
  seq: string;
  tx_id: string;
  id: string;
  type: string;
  aggregate_id: string;
  operation_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

const EXAMPLE_EVENT = {
  id: '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
  type: 'order.created.v1',
  aggregateId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  operationId: '3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69',
  occurredAt: '2026-12-06T10:00:00.118Z',
  payload: { orderId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', customerId: 'c-42', currency: 'EUR', totalMinor: 2500 },
};

/**
 * GET /v1/events: the tenant's domain events in a stable order, for integrators who cannot read
 * Kafka. Gap-free: a row is shown only once every transaction that could still write an earlier
 * one has ended (its tx_id below the oldest running transaction, pg_snapshot_xmin), so a cursor
 * handed out is never overtaken by a row committed later. The price: the feed trails the oldest
 * running transaction of the database cluster.
 */
export function eventRoutes(orm: MikroORM, retentionDays: number): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/events',
      permission: 'events:read',
      rateClass: 'read',
      tag: 'events',
      success: 200,
      summary: "The caller's tenant's domain events in order, from a cursor (`after`), optionally of one type",
      description:
        'Poll with `after` = the `nextCursor` of the last answer: it is never null once the feed has given an event, and an ' +
        'answer with fewer than `limit` events means the caller is up to date (for now). Each event is shown once, in the ' +
        'same order to every reader, never behind a cursor already handed out. `payload` is the event as published to Kafka ' +
        `(docs/CATALOG.md). Retention: events are deleted ${retentionDays} days after they occurred (EVENT_RETENTION_DAYS, ` +
        'at least 7); a cursor older than that continues at the oldest event still kept.',
      query: eventFeedQuery,
      example: { data: [EXAMPLE_EVENT], nextCursor: 'NzQxMjMuMTAyNA' },
      async handler(req: Request, res: Response) {
        const q = parseInput(eventFeedQuery, req.query, 'query');
        const after = decodePosition(q.after);
        const params: unknown[] = [tenantOf(res)];
        let filter = '';
        if (q.type) {
          filter += ' and type = ?';
          params.push(q.type);
        }
        if (after) {
          filter += ' and (tx_id, seq) > (?::text::xid8, ?::bigint)';
          params.push(after.txId, after.seq);
        }
        params.push(q.limit);
        const rows = await orm.em.fork().execute<FeedRow[]>(
          `select seq::text as seq, tx_id::text as tx_id, id, type, aggregate_id, operation_id, payload, occurred_at
           from events
           where tenant_id = ?${filter} and tx_id < pg_snapshot_xmin(pg_current_snapshot())
           order by tx_id, seq
           limit ?`,
          params,
        );
        const last = rows[rows.length - 1];
        res.json({
          data: rows.map((r) => ({
            id: r.id,
            type: r.type,
            aggregateId: r.aggregate_id,
            operationId: r.operation_id,
            occurredAt: new Date(r.occurred_at).toISOString(),
            payload: r.payload,
          })),
          nextCursor: last ? encodePosition({ txId: last.tx_id, seq: last.seq }) : (q.after ?? null),
        });
      },
    }),
  ];
}
