import type { z } from 'zod';

export const DOMAINS = ['orders', 'inventory', 'returns', 'shipments', 'warranties'] as const;
export type Domain = (typeof DOMAINS)[number];

export const PERMISSIONS = [
  'orders:read', 'orders:write',
  'inventory:read', 'inventory:write',
  'returns:read', 'returns:write',
  'shipments:read', 'shipments:write',
  'warranties:read', 'warranties:write',
  'operations:read', 'api-keys:manage', 'audit:read', 'metrics:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface CommandContext {
  /** The resource id from the path (`:id`), when the route has one. */
  id?: string;
  newId(): string;
}

export interface CommandDefinition<TBody extends z.ZodType = z.ZodType> {
  type: string;
  domain: Domain;
  /** Path below schemas/, the single source of truth of the message. */
  schemaFile: string;
  /** Field of the payload used as Kafka key, so one aggregate's commands stay ordered. */
  keyField: string;
  route: { method: 'post' | 'patch' | 'delete'; path: string };
  /** Schema of the path's `:id`; a UUID unless said otherwise (e.g. a SKU). */
  idParam?: z.ZodType<string>;
  permission: Permission;
  /** The resource the operation points at when it succeeds. */
  resourceType: string;
  summary: string;
  body: TBody;
  toPayload(body: z.infer<TBody>, ctx: CommandContext): Record<string, unknown>;
}

export interface EventDefinition {
  type: string;
  domain: Domain;
  schemaFile: string;
  keyField: string;
}

export function command<TBody extends z.ZodType>(def: CommandDefinition<TBody>): CommandDefinition {
  return def as unknown as CommandDefinition;
}
