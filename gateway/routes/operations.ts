import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { isFinalStatus, Operation, type OperationRow, type OperationStatus } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { commands } from '../../schemas/catalog';
import { emptyBody, identifier, MAX_TIMESTAMP_LENGTH } from '../../schemas/http/common';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { keysetPage, NEWEST_FIRST, pageQuery } from '../http/pagination';
import { operationView } from '../services/operation-view';
import { findOwned, tenantOf } from '../http/tenant-queries';
import type { OperationWaiter } from '../services/operation-waiter';
import type { OperationCancellation } from '../services/operation-cancel';
import type { ReadCache } from '../services/read-cache';
import type { WaitQuota } from '../services/wait-quota';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const PREFER_WAIT = /(?:^|[,;\s])wait=(\d+)/i;
const STATUSES = ['accepted', 'running', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly OperationStatus[];

export const operationListQuery = pageQuery.extend({
  status: z.enum(STATUSES).optional(),
  type: z.enum(commands.map((c) => c.type) as [string, ...string[]]).optional(),
  resourceId: identifier.optional(),
  createdAfter: z.iso.datetime({ offset: true }).max(MAX_TIMESTAMP_LENGTH).optional(),
});

const EXAMPLE_OPERATION = {
  id: '3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69',
  type: 'order.create.v1',
  status: 'cancelled',
  done: true,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.120Z',
  resource: { type: 'order', id: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', href: '/v1/orders/7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d' },
};

function isDone(op: OperationRow): boolean {
  return isFinalStatus(op.status);
}

export interface OperationRouteOptions {
  waiter: OperationWaiter;
  cache: ReadCache;
  maxWaitS: number;
  quota: WaitQuota;
  cancellation: OperationCancellation;
  retentionDays: number;
}

export function operationRoutes(orm: MikroORM, opts: OperationRouteOptions): RouteSpec[] {
  const { waiter, cache, maxWaitS, quota, cancellation, retentionDays } = opts;
  const find = (tenantId: string, id: string) => findOwned(orm, Operation, tenantId, { id });
  // An operation changes once, to its final state, and that change is announced (operation_done).
  const cached = (tenantId: string, id: string) =>
    cache.get(`operations:${id}`, tenantId, async () => {
      const op = await find(tenantId, id);
      return op ? { body: JSON.stringify(operationView(op)), pending: !isDone(op) } : null;
    });
  return [
    defineRoute({
      method: 'get',
      path: '/v1/operations/:id',
      permission: 'operations:read',
      rateClass: 'read',
      summary: 'Status of an accepted command; `Prefer: wait=N` (N ≤ 30) long-polls until it is done',
      tag: 'operations',
      params,
      success: 200,
      example: EXAMPLE_OPERATION,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const tenantId = tenantOf(res);
        const asked = Math.min(Number(PREFER_WAIT.exec(req.get('prefer') ?? '')?.[1] ?? 0), maxWaitS);
        const release = asked > 0 ? quota.acquire(tenantId, (res.locals.principal as Principal).id) : null;
        const waitS = release ? asked : 0;
        const deadline = Date.now() + waitS * 1000;
        if (waitS === 0) {
          const answer = await cached(tenantId, id);
          if (answer === null) throw new NotFoundError('operation not found');
          if (answer.pending) res.setHeader('Retry-After', '1');
          res.type('application/json').send(answer.body);
          return;
        }
        // Each wait is registered before the read it follows, so a change in between is not missed;
        // while it waits, a request costs no query (woken by the operation_done notification).
        const gone = new AbortController();
        const onClose = () => gone.abort();
        req.socket.once('close', onClose);
        const round = () => waiter.wait(id, deadline - Date.now(), gone.signal);
        try {
          let woken = round();
          let op = await find(tenantId, id);
          if (!op) throw new NotFoundError('operation not found');
          while (!isDone(op) && Date.now() < deadline && !gone.signal.aborted) {
            await woken;
            if (gone.signal.aborted || Date.now() >= deadline) break;
            woken = round();
            op = (await find(tenantId, id)) ?? op;
          }
          res.setHeader('Preference-Applied', `wait=${waitS}`);
          if (!isDone(op)) res.setHeader('Retry-After', '1');
          res.json(operationView(op));
        } finally {
          req.socket.off('close', onClose);
          gone.abort();
          release?.();
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/operations',
      permission: 'operations:read',
      rateClass: 'read',
      summary: "The caller's tenant's operations, newest first, filtered by status, type, resource and creation time",
      description:
        `Cursor pagination: pass \`nextCursor\` back as \`cursor\`; \`null\` means no more. \`createdAfter\` is exclusive. ` +
        `Retention: a finished operation (succeeded, failed, cancelled) is deleted ${retentionDays} days after it was created ` +
        `(OPERATION_RETENTION_DAYS, at least 7); \`GET /v1/operations/{id}\` then answers 404.`,
      tag: 'operations',
      query: operationListQuery,
      success: 200,
      example: { data: [EXAMPLE_OPERATION], nextCursor: 'MjAyNi0xMi0wNlQxMDowMDowMC4wMDBafDNmMWMyYTll' },
      async handler(req: Request, res: Response) {
        const q = parseInput(operationListQuery, req.query, 'query');
        const where: FilterQuery<OperationRow> = { tenantId: tenantOf(res) };
        if (q.status) where.status = q.status;
        if (q.type) where.type = q.type;
        if (q.resourceId) where.resourceId = q.resourceId;
        if (q.createdAfter) where.createdAt = { $gt: new Date(q.createdAfter) };
        const page = await keysetPage(orm.em.fork(), Operation, where, q, NEWEST_FIRST);
        res.json({ data: page.data.map(operationView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/operations/:id/cancel',
      permission: 'operations:write',
      rateClass: 'write',
      summary: 'Cancel a command not yet applied: the operation ends `cancelled` and the worker skips the command',
      description:
        'Only an `accepted` operation can be cancelled; the command then has no effect and emits no event. ' +
        'An operation already cancelled is answered again (idempotent, 200). One whose command was applied ' +
        '(`succeeded` or `failed`) answers 409. The caller needs `operations:write` and the write permission of ' +
        "the command's domain (e.g. `orders:write` for `order.create.v1`). Audited (`operation.cancelled`, " +
        '`operation.cancel_requested`, `operation.cancel_refused`).',
      tag: 'operations',
      params,
      body: emptyBody,
      success: 200,
      example: EXAMPLE_OPERATION,
      errors: {
        403: "Missing operations:write, or the write permission of the command's domain",
        409: 'The command was applied already (the operation succeeded or failed): it cannot be cancelled',
      },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const op = await cancellation.cancel({
          principal: res.locals.principal as Principal,
          operationId: id,
          requestId: res.locals.requestId as string,
          sourceIp: req.ip ?? null,
          userAgent: req.get('user-agent') ?? null,
        });
        res.json(operationView(op));
      },
    }),
  ];
}
