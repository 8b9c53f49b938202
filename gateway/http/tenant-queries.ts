import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntitySchema, FilterQuery } from '@mikro-orm/core';
import { NotFoundError } from '../../shared/errors';
import type { Permission } from '../../schemas/catalog';
import type { Principal } from '../auth/principal';
import { defineRoute, type RouteSpec } from './route-spec';
import { parseInput } from './validate';
import { decodeCursor, page, pageQuery } from './pagination';
import type { ReadCache } from '../services/read-cache';

/** Rows that tenant-scoped queries page through: newest first, keyset on (createdAt, id). */
export interface TenantRow {
  tenantId: string;
  id: string;
  createdAt: Date;
}

interface QueryRouteOptions<Row extends TenantRow> {
  orm: MikroORM;
  entity: EntitySchema<Row>;
  path: string;
  permission: Permission;
  tag: string;
  summary: string;
  view(row: Row): unknown;
}

const uuidParams = z.strictObject({ id: z.string().uuid() });

/**
 * `GET <path>`: the tenant's rows, newest first, `?limit&cursor` plus equality filters. Every
 * filter key must be a column of the row; `scope` adds a condition taken from the path.
 */
export function listRoute<Row extends TenantRow, F extends z.ZodRawShape>(
  opts: QueryRouteOptions<Row> & { filters: F; params?: z.ZodObject; scope?: (params: Record<string, string>) => FilterQuery<Row> },
): RouteSpec {
  const query = pageQuery.extend(opts.filters);
  return defineRoute({
    method: 'get', path: opts.path, permission: opts.permission, rateClass: 'read', tag: opts.tag, success: 200,
    summary: opts.summary, query, ...(opts.params ? { params: opts.params } : {}),
    async handler(req: Request, res: Response) {
      const params = opts.params ? (parseInput(opts.params, req.params, 'params') as Record<string, string>) : {};
      const q: Record<string, unknown> = parseInput(query, req.query, 'query');
      // zod cannot resolve the output type of a generic filter shape; the page fields are typed by pageQuery (already valid).
      const { limit, cursor: token } = pageQuery.parse({ limit: q.limit, cursor: q.cursor });
      const cursor = decodeCursor(token);
      const where: Record<string, unknown> = { tenantId: (res.locals.principal as Principal).tenantId };
      if (opts.scope) Object.assign(where, opts.scope(params));
      for (const key of Object.keys(opts.filters)) if (q[key] !== undefined) where[key] = q[key];
      if (cursor) where.$or = [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { $lt: cursor.id } }];
      const rows = (await opts.orm.em.fork().find(opts.entity, where as FilterQuery<Row>, {
        orderBy: { createdAt: 'desc', id: 'desc' } as never, limit: limit + 1,
      })) as Row[];
      const p = page(rows, limit);
      res.json({ data: p.data.map(opts.view), nextCursor: p.nextCursor });
    },
  });
}

/**
 * `GET <path>/:id`: one row of the caller's tenant; another tenant's row is "not found". Answers
 * come from the read cache while the row is unchanged (see ReadCache; the table must be one of
 * CACHED_RESOURCE_TABLES, whose triggers announce changes).
 */
export function getRoute<Row extends TenantRow>(opts: QueryRouteOptions<Row> & { name: string; cache: ReadCache }): RouteSpec {
  const table = opts.entity.meta.tableName;
  return defineRoute({
    method: 'get', path: opts.path, permission: opts.permission, rateClass: 'read', tag: opts.tag, success: 200,
    summary: opts.summary, params: uuidParams,
    async handler(req: Request, res: Response) {
      const { id } = parseInput(uuidParams, req.params, 'params');
      const { tenantId } = res.locals.principal as Principal;
      const answer = await opts.cache.get(`${table}:${id}`, tenantId, async () => {
        const row = (await opts.orm.em.fork().findOne(opts.entity, { id, tenantId } as FilterQuery<Row>)) as Row | null;
        return row ? { body: JSON.stringify(opts.view(row)) } : null;
      });
      if (answer === null) throw new NotFoundError(`${opts.name} not found`);
      res.type('application/json').send(answer.body);
    },
  });
}
