import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ROLES } from '../../gateway/auth/permissions';
import { commands, DOMAINS } from '../../schemas/catalog';
import { DEPLOYMENT_TARGETS } from '../../shared/config/deployment-checks';

const wholeNumber = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, `${what}: a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${what}: at least ${min}`).max(max, `${what}: at most ${max}`));

/**
 * Every argument of the CLI, checked before anything touches the database or the network: a typo
 * must never turn into a weaker key (`--expires-in-days 3O` used to give NaN, i.e. a key that never
 * expires) or a request the operator did not mean.
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
  // HTTP commands
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as http://127.0.0.1:3000' }).transform((u) => u.replace(/\/+$/, '')),
  'api-key': z.string().regex(/^[\x21-\x7e]{8,512}$/, 'printable characters without spaces (8 to 512)'),
  status: z.enum(['accepted', 'running', 'succeeded', 'failed', 'cancelled']),
  'delivery-status': z.enum(['pending', 'succeeded', 'failed']),
  type: z.enum(commands.map((c) => c.type) as [string, ...string[]]),
  'resource-id': z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, ".", "_", ":" or "-" (1 to 128)'),
  'created-after': z.iso.datetime({ offset: true, error: 'an ISO 8601 time with offset, e.g. 2026-01-31T12:00:00Z' }).max(64),
  limit: wholeNumber(1, 100, 'from 1 to 100'),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'a nextCursor printed by an earlier page'),
  timeout: wholeNumber(1, 86_400, 'seconds from 1 to 86400'),
  // Kafka and the audit index
  partition: wholeNumber(0, 100_000, 'a partition number'),
  offset: z.string().regex(/^(0|[1-9][0-9]{0,18})$/, 'a Kafka offset (a whole number)'),
  group: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a consumer group id'),
  action: z.string().regex(/^[a-z0-9_.]{1,100}$/, 'an audit action such as api_key.created'),
  interval: wholeNumber(100, 60_000, 'milliseconds from 100 to 60000'),
  count: wholeNumber(1, 10_000, 'from 1 to 10000'),
} as const;

export type CliArgName = keyof typeof argSchemas;
export type CliArg<K extends CliArgName> = z.output<(typeof argSchemas)[K]>;
type Parsed = { [K in CliArgName]?: CliArg<K> };

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

/** A commander argument parser for one argument: a bad value is a usage error (exit 2) naming the rule. */
export function arg<K extends CliArgName>(name: K): (raw: string) => CliArg<K> {
  return (raw) => {
    const r = argSchemas[name].safeParse(raw);
    if (!r.success) throw new InvalidArgumentError(r.error.issues[0]?.message ?? 'invalid');
    return r.data as CliArg<K>;
  };
}

/** The same for a repeatable option: each value is checked, all are kept. */
export function repeatable<K extends CliArgName>(name: K): (raw: string, previous: CliArg<K>[] | undefined) => CliArg<K>[] {
  const one = arg(name);
  return (raw, previous) => [...(previous ?? []), one(raw)];
}
