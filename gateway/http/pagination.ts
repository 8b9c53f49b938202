import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { InputError } from '../../shared/errors';

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  // base64url, as encodeCursor writes it.
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]*$/, 'not a cursor returned by this API')
    .optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque keyset cursor: base64url of "<time ISO>|<id>". */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined;
  const [iso, id] = Buffer.from(s, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    throw new InputError('invalid cursor', [{ path: 'query.cursor', message: 'not a cursor returned by this API' }]);
  }
  return { createdAt, id };
}

/** The order a listing pages in: a time column, a unique column breaking its ties, a direction. */
export interface Keyset<Row> {
  time: keyof Row & string;
  id: keyof Row & string;
  order: 'asc' | 'desc';
}

export const NEWEST_FIRST = { time: 'createdAt', id: 'id', order: 'desc' } as const;

export interface Page<Row> {
  data: Row[];
  nextCursor: string | null;
}

/**
 * One page of `entity` rows matching `where`, in keyset order: the rows after the cursor's
 * (time, id), one more than the limit fetched to know whether a next page exists. Keyset rather
 * than offset paging, so a page costs an index range scan however deep it is and rows inserted
 * meanwhile neither repeat nor go missing.
 */
export async function keysetPage<Row extends object>(
  em: EntityManager,
  entity: EntityName<Row>,
  where: FilterQuery<Row>,
  q: PageQuery,
  keyset: Keyset<Row>,
): Promise<Page<Row>> {
  const cursor = decodeCursor(q.cursor);
  const past = keyset.order === 'desc' ? '$lt' : '$gt';
  const after = cursor
    ? { $or: [{ [keyset.time]: { [past]: cursor.createdAt } }, { [keyset.time]: cursor.createdAt, [keyset.id]: { [past]: cursor.id } }] }
    : undefined;
  const rows = await em.find(entity, (after ? { $and: [where, after] } : where) as never, {
    orderBy: { [keyset.time]: keyset.order, [keyset.id]: keyset.order } as never,
    limit: q.limit + 1,
  });
  const data = rows.slice(0, q.limit) as Row[];
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: rows.length > q.limit && last ? encodeCursor({ createdAt: last[keyset.time] as Date, id: String(last[keyset.id]) }) : null,
  };
}
