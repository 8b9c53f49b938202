import type { Request, Response } from 'express';
import { z } from 'zod';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityName, EntitySchema, FilterQuery } from '@mikro-orm/core';
import { NotFoundError } from '../../shared/errors';
import type { Permission } from '../../schemas/catalog';
import type { Principal } from '../auth/principal';
import { defineRoute, type RouteSpec } from './route-spec';
import { parseInput } from './validate';
import { answeredNotModified, etagOf } from './conditional';
import { keysetPage, NEWEST_FIRST, pageQuery, type Keyset } from './pagination';
import type { ReadCache } from '../services/read-cache';

/** The tenant of the caller, as authentication established it; never taken from the request. */
export function tenantOf(res: Response): string {
  return (res.locals.principal as Principal).tenantId;
}

/**
 * The one tenant-scoped read of a single row: `where` and the tenant, so that another tenant's row
 * is indistinguishable from a missing one.
 */
export async function findOwned<Row extends { tenantId: string }>(
  orm: MikroORM,
  entity: EntityName<Row>,
  tenantId: string,
  where: FilterQuery<Row>,
): Promise<Row | null> {
  return (await orm.em.fork().findOne(entity, { ...(where as object), tenantId } as FilterQuery<Row>)) as Row | null;
}

/** findOwned, where a missing row ends the request with a 404 naming `name`. */
export async function loadOwned<Row extends { tenantId: string }>(
  orm: MikroORM,
  entity: EntityName<Row>,
  tenantId: string,
  where: FilterQuery<Row>,
  name: string,
): Promise<Row> {
  const row = await findOwned(orm, entity, tenantId, where);
  if (!row) throw new NotFoundError(`${name} not found`);
  return row;
}

interface QueryRouteOptions<Row extends { tenantId: string }> {
  orm: MikroORM;
  entity: EntitySchema<Row>;
  path: string;
  permission: Permission;
  tag: string;
  summary: string;
}

/**
 * `GET <path>`: the tenant's rows, newest first, `?limit&cursor` plus equality filters. Every
 * filter key must be a column of the row; `scope` adds a condition taken from the path (and may
 * refuse it, e.g. a parent resource of another tenant).
 */
export function listRoute<Row extends { tenantId: string }, F extends z.ZodRawShape>(
  opts: QueryRouteOptions<Row> & {
    filters: F;
    view(row: Row): unknown;
    params?: z.ZodObject;
    scope?: (params: Record<string, string>, tenantId: string) => Promise<FilterQuery<Row>>;
    keyset?: Keyset<Row>;
  },
): RouteSpec {
  const query = pageQuery.extend(opts.filters);
  const keyset = opts.keyset ?? (NEWEST_FIRST as Keyset<Row>);
  return defineRoute({
    method: 'get',
    path: opts.path,
    permission: opts.permission,
    rateClass: 'read',
    tag: opts.tag,
    success: 200,
    summary: opts.summary,
    query,
    ...(opts.params ? { params: opts.params } : {}),
    async handler(req: Request, res: Response) {
      const tenantId = tenantOf(res);
      const params = opts.params ? (parseInput(opts.params, req.params, 'params') as Record<string, string>) : {};
      const q: Record<string, unknown> = parseInput(query, req.query, 'query');
      // zod cannot resolve the output type of a generic filter shape; the page fields are typed by pageQuery (already valid).
      const { limit, cursor } = pageQuery.parse({ limit: q.limit, cursor: q.cursor });
      const where: Record<string, unknown> = { tenantId };
      if (opts.scope) Object.assign(where, await opts.scope(params, tenantId));
      for (const key of Object.keys(opts.filters)) if (q[key] !== undefined) where[key] = q[key];
      const page = await keysetPage(opts.orm.em.fork(), opts.entity, where as FilterQuery<Row>, { limit, cursor }, keyset);
      res.json({ data: await Promise.all(page.data.map(opts.view)), nextCursor: page.nextCursor });
    },
  });
}

const uuidParams = z.strictObject({ id: z.string().uuid() });

/**
 * `GET <path>/:id`: one row of the caller's tenant; another tenant's row is "not found". Answers
 * come from the read cache while the row is unchanged (see ReadCache; the table must be one of
 * CACHED_RESOURCE_TABLES, whose triggers announce changes). The ETag is the row's version, cached
 * with the body it was made from; If-None-Match naming it answers 304.
 */
export function getRoute<Row extends { tenantId: string; id: string; version: number }>(
  opts: QueryRouteOptions<Row> & { name: string; cache: ReadCache; view(row: Row): unknown },
): RouteSpec {
  const table = opts.entity.meta.tableName;
  return defineRoute({
    method: 'get',
    path: opts.path,
    permission: opts.permission,
    rateClass: 'read',
    tag: opts.tag,
    success: 200,
    etag: true,
    summary: opts.summary,
    params: uuidParams,
    async handler(req: Request, res: Response) {
      const { id } = parseInput(uuidParams, req.params, 'params');
      const tenantId = tenantOf(res);
      const answer = await opts.cache.get(`${table}:${id}`, tenantId, async () => {
        const row = await findOwned(opts.orm, opts.entity, tenantId, { id } as FilterQuery<Row>);
        return row ? { body: JSON.stringify(opts.view(row)), etag: etagOf(row.version) } : null;
      });
      if (answer === null) throw new NotFoundError(`${opts.name} not found`);
      if (answeredNotModified(req, res, answer.etag!)) return;
      res.type('application/json').send(answer.body);
    },
  });
}
