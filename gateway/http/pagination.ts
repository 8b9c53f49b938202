import { z } from 'zod';
import { InputError } from '../../shared/errors';

export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque keyset cursor: base64url of "<createdAt ISO>|<id>". */
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

export function page<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
