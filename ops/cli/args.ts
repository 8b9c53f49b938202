import { z } from 'zod';
import { ROLES } from '../../gateway/auth/permissions';
import { DOMAINS } from '../../schemas/catalog';
import { DEPLOYMENT_TARGETS } from '../../shared/config/deployment-checks';

/**
 * Every argument of the CLI, checked before anything touches the database: a typo must never
 * turn into a weaker key (`--expires-in-days 3O` used to give NaN, i.e. a key that never expires).
 */
const argSchemas = {
  tenant: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, ".", "_" or "-" (1 to 128)'),
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(100),
  id: z.uuid(),
  'event-id': z.uuid(),
  'expires-in-days': z
    .string()
    .regex(/^[1-9][0-9]{0,4}$/, 'a whole number of days from 1 to 99999')
    .transform(Number),
  store: z.enum(['fs', 's3']),
  'public-key': z.string().min(1),
  for: z.enum(DEPLOYMENT_TARGETS),
  domain: z.enum(DOMAINS),
} as const;

export type CliArgName = keyof typeof argSchemas;
type Parsed = { [K in CliArgName]?: z.output<(typeof argSchemas)[K]> };

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Validates the given string options; the first bad one is named in the error. */
export function validateCliArgs(values: Partial<Record<CliArgName, string>>): Parsed {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values) as [CliArgName, string | undefined][]) {
    if (raw === undefined) continue;
    const r = argSchemas[name].safeParse(raw);
    if (!r.success) throw new CliUsageError(`--${name} ${JSON.stringify(raw)}: ${r.error.issues[0]?.message ?? 'invalid'}`);
    out[name] = r.data;
  }
  return out as Parsed;
}
