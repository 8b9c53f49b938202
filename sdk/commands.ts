import type { z } from 'zod';
import { commands, DOMAINS, type CatalogCommand, type CommandDefinition, type Domain } from '../schemas/catalog';
import { Operation, type OperationView } from './operation';
import { newIdempotencyKey, type Transport } from './transport';

export interface CommandOptions {
  /** Default: a new UUID per call, reused by its retries. Give your own to make a call repeatable across processes. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** A version (`order.version`), an ETag as a GET answered it (`"3"`), `*`, or several of them. */
export type IfMatch = number | string | readonly (number | string)[];

export interface ExistingResourceCommandOptions extends CommandOptions {
  /** Sent as If-Match: the operation fails with a 412 problem when the resource is at another version. */
  ifMatch?: IfMatch;
}

type Camel<S extends string> = S extends `${infer A}.${infer B}`
  ? `${A}${Capitalize<Camel<B>>}`
  : S extends `${infer A}_${infer B}`
    ? `${A}${Capitalize<Camel<B>>}`
    : S;
type WithoutVersion<S extends string> = S extends `${infer Head}.${infer Tail}`
  ? Tail extends `${string}.${string}`
    ? `${Head}.${WithoutVersion<Tail>}`
    : Head
  : never;

/** The SDK method of a command type: domain prefix and version left out, camelCase (`inventory.reservation.confirm.v1` → `reservationConfirm`). */
export type CommandMethodName<T extends string> = T extends `${string}.${infer Rest}` ? Camel<WithoutVersion<Rest>> : never;

export function commandMethodName(type: string): string {
  const [first = '', ...rest] = type.split('.').slice(1, -1).join('.').split(/[._]/);
  return first + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

type BodyArgs<Body, Options> = Record<never, never> extends Body ? [body?: Body, options?: Options] : [body: Body, options?: Options];

/** One command's method: `(id, body, options)` when its path names a resource, else `(body, options)`; the body type is the catalog's schema input. */
export type CommandMethod<C extends CatalogCommand> = C['route']['path'] extends `${string}:id${string}`
  ? (id: string, ...args: BodyArgs<z.input<C['body']>, ExistingResourceCommandOptions>) => Promise<Operation>
  : (...args: BodyArgs<z.input<C['body']>, CommandOptions>) => Promise<Operation>;

/** The request body type of a command, by its type: `CommandBody<'order.create.v1'>`. */
export type CommandBody<T extends CatalogCommand['type']> = z.input<Extract<CatalogCommand, { type: T }>['body']>;

/** A domain's commands as methods, derived from the catalog: a command added there is a method here. */
export type DomainCommands<D extends Domain> = {
  [T in Extract<CatalogCommand, { domain: D }>['type'] as CommandMethodName<T>]: CommandMethod<Extract<CatalogCommand, { type: T }>>;
};

export type CommandNamespaces = { [D in Domain]: DomainCommands<D> };

/** If-Match from what callers have at hand: a version number becomes the strong ETag the API issues for it. */
export function ifMatchHeader(value: IfMatch): string {
  const tag = (v: number | string) => (typeof v === 'number' ? `"${v}"` : v === '*' || v.startsWith('"') || v.startsWith('W/') ? v : `"${v}"`);
  return (Array.isArray(value) ? value : [value as number | string]).map(tag).join(', ');
}

/** Where each catalog command lives in the client: `client.<namespace>.<method>`. */
export function commandEntries(): { namespace: Domain; method: string; def: CommandDefinition }[] {
  return commands.map((def) => ({ namespace: def.domain, method: commandMethodName(def.type), def }));
}

async function send(transport: Transport, def: CommandDefinition, id: string | undefined, body: unknown, opts: ExistingResourceCommandOptions = {}) {
  const path = id === undefined ? def.route.path : def.route.path.replace(':id', encodeURIComponent(id));
  const answer = await transport.send<OperationView>({
    method: def.route.method.toUpperCase() as 'POST' | 'PATCH' | 'DELETE',
    path,
    body: body ?? {},
    idempotencyKey: opts.idempotencyKey ?? newIdempotencyKey(),
    ...(opts.ifMatch !== undefined ? { headers: { 'if-match': ifMatchHeader(opts.ifMatch) } } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return new Operation(transport, answer.body);
}

export function commandNamespaces(transport: Transport): CommandNamespaces {
  const namespaces = Object.fromEntries(DOMAINS.map((d) => [d, {} as Record<string, unknown>])) as Record<Domain, Record<string, unknown>>;
  for (const { namespace, method, def } of commandEntries()) {
    const hasId = def.route.path.includes(':id');
    namespaces[namespace][method] = hasId
      ? (id: string, body?: unknown, opts?: ExistingResourceCommandOptions) => send(transport, def, id, body, opts)
      : (body?: unknown, opts?: CommandOptions) => {
          if (opts && 'ifMatch' in opts) throw new TypeError(`${def.type} creates a resource: ifMatch does not apply`);
          return send(transport, def, undefined, body, opts);
        };
  }
  return namespaces as unknown as CommandNamespaces;
}
