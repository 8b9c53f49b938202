import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Order, type OrderRow } from '../../workers/orders/entities';
import { ORDER_STATUSES } from '../../shared/domain';
import type { ReadCache } from '../services/read-cache';
import type { RouteSpec } from '../http/route-spec';
import { getRoute, listRoute } from '../http/tenant-queries';

const listFilters = {
  status: z.enum(ORDER_STATUSES).optional(),
  customerId: z.string().max(128).optional(),
};

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

export function orderQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const common = { orm, entity: Order, permission: 'orders:read', tag: 'orders', view: orderView } as const;
  return [
    listRoute({ ...common, path: '/v1/orders', summary: 'List orders, newest first, with cursor pagination', filters: listFilters }),
    getRoute({ ...common, cache, path: '/v1/orders/:id', summary: 'One order', name: 'order' }),
  ];
}
