import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Return, type ReturnRow } from '../../workers/returns/entities';
import type { ReadCache } from '../services/read-cache';
import type { RouteSpec } from '../http/route-spec';
import { getRoute, listRoute } from '../http/tenant-queries';

const listFilters = {
  status: z.enum(['requested', 'approved', 'rejected', 'received', 'restocked', 'refunded']).optional(),
  orderId: z.string().uuid().optional(),
};

export function returnView(r: ReturnRow) {
  return {
    id: r.id,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    reason: r.reason,
    rejectionReason: r.rejectionReason,
    restockOutcome: r.restockOutcome,
    restockRefusalReason: r.restockRefusalReason,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function returnQueryRoutes(orm: MikroORM, cache: ReadCache): RouteSpec[] {
  const common = { orm, entity: Return, permission: 'returns:read', tag: 'returns', view: returnView } as const;
  return [
    listRoute({ ...common, path: '/v1/returns', summary: 'List returns, newest first, with cursor pagination', filters: listFilters }),
    getRoute({ ...common, cache, path: '/v1/returns/:id', summary: 'One return', name: 'return' }),
  ];
}
