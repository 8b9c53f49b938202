import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Order, type OrderRow } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { decodeCursor, page, pageQuery } from '../http/pagination';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const listQuery = pageQuery.extend({
  status: z.enum(['pending', 'confirmed', 'processing', 'on_hold', 'shipped', 'delivered', 'cancelled', 'refunded', 'exchanged']).optional(),
  customerId: z.string().max(128).optional(),
});

export function orderView(o: OrderRow) {
  return {
    id: o.id,
    status: o.status,
    customerId: o.customerId,
    currency: o.currency,
    items: o.items,
    shippingAddress: o.shippingAddress,
    billingAddress: o.billingAddress,
    notes: o.notes,
    totalMinor: Number(o.totalMinor),
    holdReason: o.holdReason,
    archived: o.archivedAt !== null,
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export function orderQueryRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/orders', permission: 'orders:read', rateClass: 'read', tag: 'orders', success: 200,
      summary: 'List orders, newest first, with cursor pagination', query: listQuery,
      async handler(req: Request, res: Response) {
        const q = parseInput(listQuery, req.query, 'query');
        const { tenantId } = res.locals.principal as Principal;
        const cursor = decodeCursor(q.cursor);
        const where: FilterQuery<OrderRow> = { tenantId };
        if (q.status) where.status = q.status;
        if (q.customerId) where.customerId = q.customerId;
        if (cursor) where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
        const rows = await orm.em.fork().find(Order, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
        const p = page(rows, q.limit);
        res.json({ data: p.data.map(orderView), nextCursor: p.nextCursor });
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/orders/:id', permission: 'orders:read', rateClass: 'read', tag: 'orders', success: 200,
      summary: 'One order', params,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const { tenantId } = res.locals.principal as Principal;
        const order = await orm.em.fork().findOne(Order, { id, tenantId });
        if (!order) throw new NotFoundError('order not found');
        res.json(orderView(order));
      },
    }),
  ];
}
