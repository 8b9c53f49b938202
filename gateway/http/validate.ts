import type { z } from 'zod';
import { InputError } from '../../shared/errors';

/** Parses with zod; every issue becomes a field error in the 400 problem. */
export function parseInput<T extends z.ZodType>(schema: T, data: unknown, where: 'body' | 'query' | 'params'): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw inputErrorOf(r.error, where);
}

/** The 400 of a zod failure: each issue named by where it is (`body.items.0.sku`), at most 50. */
export function inputErrorOf(error: z.ZodError, where: 'body' | 'query' | 'params'): InputError {
  return new InputError(
    `the request ${where} is invalid`,
    error.issues.slice(0, 50).map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    })),
  );
}
