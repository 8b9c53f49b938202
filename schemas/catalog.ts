import type { z } from 'zod';
import { orderCreateBody } from './http/orders';

/**
 * The one table of commands and events. Gateway routes, worker subscriptions, topic provisioning
 * and schema registration are all derived from it: a new command is one .avsc file, one entry
 * here and one handler file.
 */
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
  permission: Permission;
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

function command<TBody extends z.ZodType>(def: CommandDefinition<TBody>): CommandDefinition<TBody> {
  return def;
}

export const commands = [
  command({
    type: 'order.create.v1',
    domain: 'orders',
    schemaFile: 'commands/orders/OrderCreate.avsc',
    keyField: 'orderId',
    route: { method: 'post', path: '/v1/orders' },
    permission: 'orders:write',
    resourceType: 'order',
    summary: 'Create an order (status pending); totals are computed server-side',
    body: orderCreateBody,
    toPayload: (b, ctx) => ({
      orderId: ctx.newId(),
      customerId: b.customerId,
      currency: b.currency,
      items: b.items,
      shippingAddress: b.shippingAddress ?? null,
      billingAddress: b.billingAddress ?? null,
      notes: b.notes ?? null,
    }),
  }),
] as const satisfies readonly CommandDefinition[];

export const events: readonly EventDefinition[] = [
  { type: 'order.created.v1', domain: 'orders', schemaFile: 'events/orders/OrderCreated.avsc', keyField: 'orderId' },
];

export const AUDIT_SCHEMA_FILE = 'audit/AuditRecord.avsc';

export function findCommand(type: string): CommandDefinition | undefined {
  return (commands as readonly CommandDefinition[]).find((c) => c.type === type);
}
export function findEvent(type: string): EventDefinition | undefined {
  return events.find((e) => e.type === type);
}
