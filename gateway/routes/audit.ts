import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { AuditEvent, type AuditEventRow } from '../../shared/orm';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { keysetPage, pageQuery } from '../http/pagination';
import { tenantOf } from '../http/tenant-queries';
import { MAX_TIMESTAMP_LENGTH } from '../../schemas/http/common';

const auditQuery = pageQuery.extend({
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  resourceType: z.string().max(64).optional(),
  resourceId: z.string().max(128).optional(),
  operationId: z.string().uuid().optional(),
  principal: z.string().max(200).optional(),
  from: z.iso.datetime().max(MAX_TIMESTAMP_LENGTH).optional(),
  to: z.iso.datetime().max(MAX_TIMESTAMP_LENGTH).optional(),
});

function view(r: AuditEventRow) {
  return {
    eventId: r.eventId,
    occurredAt: r.occurredAt.toISOString(),
    principal: r.principal,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    outcome: r.outcome,
    requestId: r.requestId,
    operationId: r.operationId,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    details: r.details ? (JSON.parse(r.details) as unknown) : null,
    storage: { partition: r.kafkaPartition, offset: String(r.kafkaOffset) },
  };
}

/** Auditors read their own tenant's trail (as indexed by the sink after the WORM store has it). */
export function auditRoutes(orm: MikroORM): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit/events',
      permission: 'audit:read',
      rateClass: 'read',
      tag: 'audit',
      success: 200,
      summary: "Audit records of the caller's tenant, newest first",
      query: auditQuery,
      async handler(req: Request, res: Response) {
        const q = parseInput(auditQuery, req.query, 'query');
        const where: FilterQuery<AuditEventRow> = { tenantId: tenantOf(res) };
        for (const k of ['action', 'outcome', 'resourceType', 'resourceId', 'operationId', 'principal'] as const) {
          if (q[k]) where[k] = q[k];
        }
        if (q.from || q.to) where.occurredAt = { ...(q.from ? { $gte: new Date(q.from) } : {}), ...(q.to ? { $lt: new Date(q.to) } : {}) };
        const p = await keysetPage(orm.em.fork(), AuditEvent, where, q, { time: 'occurredAt', id: 'eventId', order: 'desc' });
        res.json({ data: p.data.map(view), nextCursor: p.nextCursor });
      },
    }),
  ];
}
