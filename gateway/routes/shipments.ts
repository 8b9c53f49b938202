import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Shipment, type ShipmentRow } from '../../workers/shipments/entities';
import type { ReadCache } from '../services/read-cache';
import type { RouteSpec } from '../http/route-spec';
import { getRoute, listRoute } from '../http/tenant-queries';

const listFilters = {
  status: z.enum(['created', 'shipped', 'in_transit', 'delivered', 'exception']).optional(),
  orderId: z.string().uuid().optional(),
  carrier: z.string().min(1).max(64).optional(),
};

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

export function shipmentQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const common = { orm, entity: Shipment, permission: 'shipments:read', tag: 'shipments', view: shipmentView } as const;
  return [
    listRoute({ ...common, path: '/v1/shipments', summary: 'List shipments, newest first, with cursor pagination', filters: listFilters }),
    getRoute({ ...common, cache, path: '/v1/shipments/:id', summary: 'One shipment', name: 'shipment' }),
  ];
}
