import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Warranty, WarrantyClaim, type WarrantyClaimRow, type WarrantyRow } from '../../workers/warranties/entities';
import { identifier, sku } from '../../schemas/http/common';
import type { ReadCache } from '../services/read-cache';
import type { RouteSpec } from '../http/route-spec';
import { getRoute, listRoute, loadOwned } from '../http/tenant-queries';

const params = z.strictObject({ id: z.string().uuid() });
const warrantyFilters = {
  status: z.enum(['active', 'expired', 'void']).optional(),
  customerId: identifier.optional(),
  sku: sku.optional(),
  orderId: z.string().uuid().optional(),
};
const claimStatus = z.enum(['submitted', 'approved', 'rejected', 'resolved']);

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

export function warrantyQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const common = { orm, permission: 'warranties:read', tag: 'warranties' } as const;
  return [
    listRoute({
      ...common,
      entity: Warranty,
      path: '/v1/warranties',
      summary: 'List warranties, newest first, with cursor pagination',
      filters: warrantyFilters,
      view: warrantyView,
    }),
    getRoute({
      ...common,
      cache,
      entity: Warranty,
      path: '/v1/warranties/:id',
      summary: 'One warranty',
      name: 'warranty',
      view: warrantyView,
    }),
    listRoute({
      ...common,
      entity: WarrantyClaim,
      path: '/v1/warranties/:id/claims',
      summary: 'The claims of one warranty, newest first',
      params,
      filters: { status: claimStatus.optional() },
      view: warrantyClaimView,
      async scope({ id }, tenantId) {
        await loadOwned(orm, Warranty, tenantId, { id }, 'warranty');
        return { warrantyId: id };
      },
    }),
    listRoute({
      ...common,
      entity: WarrantyClaim,
      path: '/v1/warranty-claims',
      summary: 'List warranty claims, newest first, with cursor pagination',
      filters: { status: claimStatus.optional(), warrantyId: z.string().uuid().optional() },
      view: warrantyClaimView,
    }),
    getRoute({
      ...common,
      cache,
      entity: WarrantyClaim,
      path: '/v1/warranty-claims/:id',
      summary: 'One warranty claim',
      name: 'warranty claim',
      view: warrantyClaimView,
    }),
  ];
}
