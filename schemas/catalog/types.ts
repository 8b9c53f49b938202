import type { z } from 'zod';
import type { CommandPayload, CommandPayloads, CommandSchemaFiles, CommandType, EventPayloads, EventSchemaFiles, EventType } from '../generated';

export type { CommandPayload, CommandPayloads, CommandType, EventPayload, EventPayloads, EventType } from '../generated';

export const DOMAINS = ['orders', 'inventory', 'returns', 'shipments', 'warranties'] as const;
export type Domain = (typeof DOMAINS)[number];

export const PERMISSIONS = [
  'orders:read',
  'orders:write',
  'inventory:read',
  'inventory:write',
  'returns:read',
  'returns:write',
  'shipments:read',
  'shipments:write',
  'warranties:read',
  'warranties:write',
  'operations:read',
  'operations:write',
  'events:read',
  'api-keys:manage',
  'audit:read',
  'metrics:read',
  'webhooks:read',
  'webhooks:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface CommandContext {
  newId(): string;
}

/** On a route with `:id`, toPayload also gets the resource id from the path. */
export interface CommandContextWithId extends CommandContext {
  id: string;
}

/** The context toPayload gets: `id` only where the path has one, so a create cannot read an id it never has. */
export type PathContext<P extends string> = P extends `${string}/:id${string}` ? CommandContextWithId : CommandContext;

/**
 * `R` with every key that `Want` lacks typed `never`: a returned object literal is not checked for
 * excess properties, so without it a misspelt optional field (`reasn`) would compile.
 */
export type Exact<R, Want> = R & Record<Exclude<keyof R, keyof Want>, never>;

/** One command as a catalog file writes it: the payload, key field and schema file are checked against the command's .avsc. */
export interface CommandSpec<T extends CommandType, TBody extends z.ZodType, P extends string, R extends CommandPayloads[T], D extends Domain = Domain> {
  type: T;
  domain: D;
  /** Path below schemas/, the single source of truth of the message. */
  schemaFile: CommandSchemaFiles[T];
  /** Field of the payload used as Kafka key, so one aggregate's commands stay ordered. */
  keyField: keyof CommandPayloads[T] & string;
  route: { method: 'post' | 'patch' | 'delete'; path: P };
  /** Schema of the path's `:id`; a UUID unless said otherwise (e.g. a SKU). */
  idParam?: z.ZodType<string>;
  permission: Permission;
  /** The resource the operation points at when it succeeds. */
  resourceType: string;
  summary: string;
  body: TBody;
  toPayload(body: z.infer<TBody>, ctx: PathContext<P>): Exact<R, CommandPayloads[T]>;
}

/** A command of the catalog, whatever its body and payload types: what routes and the command service hold. */
export interface CommandDefinition {
  type: CommandType;
  domain: Domain;
  schemaFile: string;
  keyField: string;
  route: { method: 'post' | 'patch' | 'delete'; path: string };
  idParam?: z.ZodType<string>;
  permission: Permission;
  resourceType: string;
  summary: string;
  body: z.ZodType;
  /**
   * Parses a request body with the command's schema, once: the parsed body keeps its type inside,
   * so building the payload from it needs no second parse and no cast.
   */
  parseBody(raw: unknown): { success: true; body: ParsedCommandBody } | { success: false; error: z.ZodError };
  /** parseBody + toPayload in one step (throws on an invalid body). */
  toPayload(body: unknown, ctx: PayloadContext): CommandPayload;
}

interface PayloadContext {
  id?: string;
  newId(): string;
}

/** A body that passed its command's schema, and the one way to turn it into the command's payload. */
export interface ParsedCommandBody {
  /** the parsed value (defaults applied), e.g. for an idempotency fingerprint */
  readonly value: unknown;
  toPayload(ctx: PayloadContext): CommandPayload;
}

/**
 * A catalog command with its literal type, domain, path and body schema kept, so typed clients
 * (sdk/) derive a method and its body type from the catalog itself.
 */
export type TypedCommandDefinition<T extends CommandType, D extends Domain, P extends string, TBody extends z.ZodType> = CommandDefinition & {
  type: T;
  domain: D;
  route: { method: 'post' | 'patch' | 'delete'; path: P };
  body: TBody;
};

export interface EventDefinition {
  type: EventType;
  domain: Domain;
  schemaFile: string;
  keyField: string;
  /**
   * The resource whose version the event's `version` field carries (after the change), as the
   * catalog document names it; null when the event changes no versioned row (its version is 0).
   */
  versionOf: string | null;
}

export function command<T extends CommandType, TBody extends z.ZodType, P extends string, R extends CommandPayloads[T], D extends Domain>(
  spec: CommandSpec<T, TBody, P, R, D>,
): TypedCommandDefinition<T, D, P, TBody> {
  const { toPayload, ...rest } = spec;
  const contextOf = (ctx: PayloadContext): CommandContextWithId => ({
    newId: ctx.newId,
    get id(): string {
      // Only a route with `:id` sees `id` in its types, and the gateway always passes that id.
      if (ctx.id === undefined) throw new Error(`${spec.type}: no :id in ${spec.route.path}`);
      return ctx.id;
    },
  });
  const parsed = (value: z.infer<TBody>): ParsedCommandBody => ({ value, toPayload: (ctx) => toPayload(value, contextOf(ctx)) });
  return {
    ...rest,
    parseBody: (raw) => {
      const r = spec.body.safeParse(raw);
      return r.success ? { success: true, body: parsed(r.data) } : { success: false, error: r.error };
    },
    toPayload: (body, ctx) => parsed(spec.body.parse(body)).toPayload(ctx),
  };
}

export function event<T extends EventType>(def: {
  type: T;
  domain: Domain;
  schemaFile: EventSchemaFiles[T];
  keyField: keyof EventPayloads[T] & string;
  versionOf: string | null;
}): EventDefinition {
  return def;
}
