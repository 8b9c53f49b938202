import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Return, type ReturnRow } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { decodeCursor, page, pageQuery } from '../http/pagination';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const listQuery = pageQuery.extend({
  status: z.enum(['requested', 'approved', 'rejected', 'received', 'restocked', 'refunded']).optional(),
  orderId: z.string().uuid().optional(),
});

export function returnView(r: ReturnRow) {
  return {
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    reason: r.reason,
    rejectionReason: r.rejectionReason,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function returnQueryRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/returns', permission: 'returns:read', rateClass: 'read', tag: 'returns', success: 200,
      summary: 'List returns, newest first, with cursor pagination', query: listQuery,
      async handler(req: Request, res: Response) {
        const q = parseInput(listQuery, req.query, 'query');
        const { tenantId } = res.locals.principal as Principal;
        const cursor = decodeCursor(q.cursor);
        const where: FilterQuery<ReturnRow> = { tenantId };
        if (q.status) where.status = q.status;
        if (q.orderId) where.orderId = q.orderId;
        if (cursor) where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
        const rows = await orm.em.fork().find(Return, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
        const p = page(rows, q.limit);
        res.json({ data: p.data.map(returnView), nextCursor: p.nextCursor });
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/returns/:id', permission: 'returns:read', rateClass: 'read', tag: 'returns', success: 200,
      summary: 'One return', params,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const { tenantId } = res.locals.principal as Principal;
        const r = await orm.em.fork().findOne(Return, { id, tenantId });
        if (!r) throw new NotFoundError('return not found');
        res.json(returnView(r));
      },
    }),
  ];
}
