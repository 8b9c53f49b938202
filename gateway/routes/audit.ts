import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { AuditEvent, type AuditEventRow } from '../../shared/orm';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { decodeCursor, encodeCursor, pageQuery } from '../http/pagination';
import type { Principal } from '../auth/principal';

const auditQuery = pageQuery.extend({
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  resourceType: z.string().max(64).optional(),
  resourceId: z.string().max(128).optional(),
  operationId: z.string().uuid().optional(),
  principal: z.string().max(200).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

function view(r: AuditEventRow) {
  return {
    eventId: r.eventId, occurredAt: r.occurredAt.toISOString(), principal: r.principal, action: r.action,
    resourceType: r.resourceType, resourceId: r.resourceId, outcome: r.outcome, requestId: r.requestId,
    operationId: r.operationId, sourceIp: r.sourceIp, userAgent: r.userAgent,
    details: r.details ? (JSON.parse(r.details) as unknown) : null,
    storage: { partition: r.kafkaPartition, offset: String(r.kafkaOffset) },
  };
}

/** Auditors read their own tenant's trail (as indexed by the sink after the WORM store has it). */
export function auditRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/audit/events', permission: 'audit:read', rateClass: 'read', tag: 'audit', success: 200,
      summary: 'Audit records of the caller\'s tenant, newest first', query: auditQuery,
      async handler(req: Request, res: Response) {
        const q = parseInput(auditQuery, req.query, 'query');
        const cursor = decodeCursor(q.cursor);
        const where: FilterQuery<AuditEventRow> = { tenantId: (res.locals.principal as Principal).tenantId };
        for (const k of ['action', 'outcome', 'resourceType', 'resourceId', 'operationId', 'principal'] as const) {
          if (q[k]) where[k] = q[k];
        }
        if (q.from || q.to) where.occurredAt = { ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lt: new Date(q.to) } : {}) };
        if (cursor) where.$and = [{ $or: [{ occurredAt: { $lt: cursor.createdAt } }, { occurredAt: cursor.createdAt, eventId: { $lt: cursor.id } }] }];
        const rows = await orm.em.fork().find(AuditEvent, where, { orderBy: { occurredAt: 'desc', eventId: 'desc' }, limit: q.limit + 1 });
        const data = rows.slice(0, q.limit);
        const last = data[data.length - 1];
        res.json({ data: data.map(view), nextCursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last.occurredAt, id: last.eventId }) : null });
      },
    }),
  ];
}
