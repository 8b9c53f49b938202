import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Operation, type OperationRow } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { operationView } from '../services/operation-view';
import { findOwned, tenantOf } from '../http/tenant-queries';
import type { OperationWaiter } from '../services/operation-waiter';
import type { ReadCache } from '../services/read-cache';
import type { WaitQuota } from '../services/wait-quota';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const PREFER_WAIT = /(?:^|[,;\s])wait=(\d+)/i;

function isDone(op: OperationRow): boolean {
  return op.status === 'succeeded' || op.status === 'failed';
}

export function operationRoutes(orm: MikroORM, waiter: OperationWaiter, cache: ReadCache, maxWaitS: number, quota: WaitQuota): RouteSpec[] {
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
  ];
}
