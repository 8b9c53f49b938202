import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ObjectQuery } from '@mikro-orm/core';
import { Warranty, WarrantyClaim, type WarrantyClaimRow, type WarrantyRow } from '../../workers/warranties/entities';
import { NotFoundError } from '../../shared/errors';
import { identifier, sku } from '../../schemas/http/common';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import type { ReadCache } from '../services/read-cache';
import { getRoute, listRoute } from '../http/tenant-queries';
import { parseInput } from '../http/validate';
import { decodeCursor, page, pageQuery } from '../http/pagination';
import type { Principal } from '../auth/principal';

const params = z.strictObject({ id: z.string().uuid() });
const warrantyFilters = {
  status: z.enum(['active', 'expired', 'void']).optional(),
  customerId: identifier.optional(),
  sku: sku.optional(),
  orderId: z.string().uuid().optional(),
};
const claimStatus = z.enum(['submitted', 'approved', 'rejected', 'resolved']);
const claimsOfWarrantyQuery = pageQuery.extend({ status: claimStatus.optional() });

export function warrantyView(w: WarrantyRow) {
  return {
    id: w.id,
    customerId: w.customerId,
    sku: w.sku,
    orderId: w.orderId,
    serialNumber: w.serialNumber,
    status: w.status,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    voidReason: w.voidReason,
    version: w.version,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

export function warrantyClaimView(c: WarrantyClaimRow) {
  return {
    id: c.id,
    warrantyId: c.warrantyId,
    status: c.status,
    description: c.description,
    decisionNote: c.decisionNote,
    resolution: c.resolution,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const tenantOf = (res: Response) => (res.locals.principal as Principal).tenantId;

export function warrantyQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const listClaims = async (where: ObjectQuery<WarrantyClaimRow>, q: { limit: number; cursor?: string | undefined }) => {
    const cursor = decodeCursor(q.cursor);
    if (cursor) where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
    const rows = await orm.em.fork().find(WarrantyClaim, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: q.limit + 1 });
    const p = page(rows, q.limit);
    return { data: p.data.map(warrantyClaimView), nextCursor: p.nextCursor };
  };
  return [
    listRoute({ orm, entity: Warranty, path: '/v1/warranties', permission: 'warranties:read', tag: 'warranties', summary: 'List warranties, newest first, with cursor pagination', filters: warrantyFilters, view: warrantyView }),
    getRoute({ orm, cache, entity: Warranty, path: '/v1/warranties/:id', permission: 'warranties:read', tag: 'warranties', summary: 'One warranty', name: 'warranty', view: warrantyView }),
    defineRoute({
      method: 'get', path: '/v1/warranties/:id/claims', permission: 'warranties:read', rateClass: 'read', tag: 'warranties', success: 200,
      summary: 'The claims of one warranty, newest first', params, query: claimsOfWarrantyQuery,
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const q = parseInput(claimsOfWarrantyQuery, req.query, 'query');
        const tenantId = tenantOf(res);
        if (!(await orm.em.fork().findOne(Warranty, { id, tenantId }))) throw new NotFoundError('warranty not found');
        const where: ObjectQuery<WarrantyClaimRow> = { tenantId, warrantyId: id };
        if (q.status) where.status = q.status;
        res.json(await listClaims(where, q));
      },
    }),
    listRoute({ orm, entity: WarrantyClaim, path: '/v1/warranty-claims', permission: 'warranties:read', tag: 'warranties', summary: 'List warranty claims, newest first, with cursor pagination', filters: { status: claimStatus.optional(), warrantyId: z.string().uuid().optional() }, view: warrantyClaimView }),
    getRoute({ orm, cache, entity: WarrantyClaim, path: '/v1/warranty-claims/:id', permission: 'warranties:read', tag: 'warranties', summary: 'One warranty claim', name: 'warranty claim', view: warrantyClaimView }),
  ];
}
