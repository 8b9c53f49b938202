import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Shipment, type ShipmentRow } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { decodeCursor, page, pageQuery } from '../http/pagination';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const listQuery = pageQuery.extend({
  status: z.enum(['created', 'shipped', 'in_transit', 'delivered', 'exception']).optional(),
  orderId: z.string().uuid().optional(),
  carrier: z.string().min(1).max(64).optional(),
});

export function shipmentView(s: ShipmentRow) {
  return {
    id: s.id,
    orderId: s.orderId,
    status: s.status,
    carrier: s.carrier,
    trackingNumber: s.trackingNumber,
    lines: s.lines,
    exceptionReason: s.exceptionReason,
    shippedAt: s.shippedAt?.toISOString() ?? null,
    deliveredAt: s.deliveredAt?.toISOString() ?? null,
    version: s.version,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function shipmentQueryRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/shipments', permission: 'shipments:read', rateClass: 'read', tag: 'shipments', success: 200,
      summary: 'List shipments, newest first, with cursor pagination', query: listQuery,
      async handler(req: Request, res: Response) {
        const q = parseInput(listQuery, req.query, 'query');
        const { tenantId } = res.locals.principal as Principal;
        const cursor = decodeCursor(q.cursor);
        const where: FilterQuery<ShipmentRow> = { tenantId };
        if (q.status) where.status = q.status;
        if (q.orderId) where.orderId = q.orderId;
        if (q.carrier) where.carrier = q.carrier;
        if (cursor) where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
        const rows = await orm.em.fork().find(Shipment, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
        const p = page(rows, q.limit);
        res.json({ data: p.data.map(shipmentView), nextCursor: p.nextCursor });
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/shipments/:id', permission: 'shipments:read', rateClass: 'read', tag: 'shipments', success: 200,
      summary: 'One shipment', params,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const { tenantId } = res.locals.principal as Principal;
        const s = await orm.em.fork().findOne(Shipment, { id, tenantId });
        if (!s) throw new NotFoundError('shipment not found');
        res.json(shipmentView(s));
      },
    }),
  ];
}
