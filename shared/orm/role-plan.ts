import type { EntitySchema } from '@mikro-orm/core';
import { DOMAINS, type Domain } from '../../schemas/catalog/types';
import { DOMAIN_ENTITIES } from '../../workers/entities';
import {
  ApiKey,
  AuditEvent,
  DomainEvent,
  IdempotencyKey,
  Inbox,
  Operation,
  Outbox,
  Tenant,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookMessage,
} from './entities';

/**
 * Least-privilege PostgreSQL roles: what each process may do to each table, and nothing else.
 * `stateset setup` (connected as the owner of the schema, who also runs the migrations) creates
 * these NOLOGIN roles and grants exactly this (shared/orm/roles.ts); a process drops to its role
 * with DATABASE_ROLE. Tables, schema and functions stay owned by the owner, so no role here can
 * ALTER, DROP, TRUNCATE or CREATE anything (test/integration/orm/roles.test.ts proves it).
 *
 * A privilege is `select`, `insert`, `delete`, `update`, or `update(col, …)`: a column-level UPDATE
 * where a process only ever changes those columns (e.g. the outbox relay marks rows sent; it cannot
 * rewrite what a row says). What each process writes was read off its code:
 * - every process with an outbox relay (the workers) inserts outbox rows and marks them sent
 *   (shared/outbox: one relay at a time drains the whole table, whoever wrote the rows);
 * - the gateway runs no relay: it inserts audit rows into the outbox and nothing else there (row
 *   security, shared/orm/roles.ts: only rows for the audit topic), and the workers' relays publish them;
 * - the gateway: tenants, API keys (created; re-hashed, last used, revoked), operations (accepted;
 *   cancelled: status and updated_at only), idempotency keys (claimed, completed, released); it reads
 *   every table it serves, the events feed included;
 * - a domain worker: its domain's tables (insert/update, never delete), its inbox claims, the
 *   outcome of operations (shared/worker/apply.ts upserts them), the events feed rows its outbox
 *   writes; and the retention purge every worker process runs deletes old operations and events
 *   (shared/retention), nothing else; returns, shipments and warranties
 *   read orders through `published_orders()`, a plain SQL function that runs with the caller's rights;
 * - the audit sink: the audit_events index (insert … on conflict do nothing, and its own reads);
 * - the gateway also manages webhook endpoints (and deletes them: their deliveries go by cascade,
 *   which runs with the owner's rights) and reschedules a delivery for a redelivery;
 * - the webhook dispatcher: messages and deliveries (inserted, rescheduled, finished), attempts
 *   (inserted), an endpoint's failure count and status (disabled after failures), operations read
 *   for their outcome, and audit rows into the outbox (only those, like the gateway).
 * A trigger runs as the role that fired it; its pg_notify needs no privilege.
 */
export type Privilege = 'select' | 'insert' | 'delete' | 'update' | `update(${string})`;
export type TableGrants = Readonly<Record<string, readonly Privilege[]>>;

/** The process roles, by their suffix: `<schema>_<suffix>`. `worker` hosts several domains. */
export const PROCESS_ROLES = ['gateway', ...DOMAINS, 'worker', 'audit_sink', 'webhooks'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export interface RoleSpec {
  tables: TableGrants;
  /** Roles whose privileges this one inherits (GRANT <member role> TO <this>). */
  memberOf: readonly ProcessRole[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas of different row types
export function tableOf(entity: EntitySchema<any>): string | null {
  // A virtual entity (an `expression`, e.g. PublishedOrder) is no table: its SQL decides what it reads.
  return entity.meta.expression ? null : (entity.meta.tableName ?? null);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entity schemas of different row types
function tablesOf(entities: readonly EntitySchema<any>[]): string[] {
  return entities.map(tableOf).filter((t): t is string => t !== null);
}

const t = (entity: Parameters<typeof tableOf>[0]): string => tableOf(entity)!;

/** The outbox as every relay-running process uses it. */
const OUTBOX: TableGrants = { [t(Outbox)]: ['select', 'insert', 'update(published_at, publish_attempts)'] };

/** Domains that read orders through `published_orders()` (workers/orders/entities/published-order.ts). */
const READS_ORDERS: readonly Domain[] = ['returns', 'shipments', 'warranties'];

function gatewayTables(): TableGrants {
  const reads = Object.fromEntries(DOMAINS.flatMap((d) => tablesOf(DOMAIN_ENTITIES[d])).map((table) => [table, ['select'] as const]));
  return {
    ...reads,
    [t(AuditEvent)]: ['select'],
    [t(Tenant)]: ['select', 'insert'],
    [t(ApiKey)]: ['select', 'insert', 'update(secret_hash, last_used_at, revoked_at)'],
    [t(Operation)]: ['select', 'insert', 'update(status, updated_at)'],
    [t(DomainEvent)]: ['select'],
    [t(IdempotencyKey)]: ['select', 'insert', 'update', 'delete'],
    // Insert (select for the ORM's RETURNING id), never mark sent: the gateway's rows are the workers' relays' to publish.
    [t(Outbox)]: ['select', 'insert'],
    [t(WebhookEndpoint)]: ['select', 'insert', 'update', 'delete'],
    [t(WebhookDelivery)]: ['select', 'update(status, next_attempt_at, updated_at)'],
    [t(WebhookAttempt)]: ['select'],
  };
}

function webhookTables(): TableGrants {
  return {
    [t(WebhookEndpoint)]: ['select', 'update(consecutive_failures, status, disabled_reason, disabled_at, updated_at)'],
    [t(WebhookMessage)]: ['select', 'insert'],
    [t(WebhookDelivery)]: ['select', 'insert', 'update(status, attempts, next_attempt_at, last_status_code, last_error, updated_at)'],
    [t(WebhookAttempt)]: ['select', 'insert'],
    [t(Operation)]: ['select'],
    [t(Outbox)]: ['select', 'insert'],
  };
}

function domainTables(domain: Domain): TableGrants {
  const own = Object.fromEntries(tablesOf(DOMAIN_ENTITIES[domain]).map((table) => [table, ['select', 'insert', 'update'] as const]));
  const orders = READS_ORDERS.includes(domain) ? Object.fromEntries(tablesOf(DOMAIN_ENTITIES.orders).map((table) => [table, ['select'] as const])) : {};
  return {
    ...orders,
    ...own,
    [t(Inbox)]: ['select', 'insert'],
    [t(Operation)]: ['select', 'insert', 'update(status, error, updated_at, resource_type, resource_id)', 'delete'],
    [t(DomainEvent)]: ['select', 'insert', 'delete'],
    ...OUTBOX,
  };
}

export function rolePlan(): Record<ProcessRole, RoleSpec> {
  const domains = Object.fromEntries(DOMAINS.map((d): [Domain, RoleSpec] => [d, { tables: domainTables(d), memberOf: [] }])) as Record<Domain, RoleSpec>;
  return {
    gateway: { tables: gatewayTables(), memberOf: [] },
    ...domains,
    // The all-in-one worker hosts the webhook dispatcher too.
    worker: { tables: {}, memberOf: [...DOMAINS, 'webhooks'] },
    audit_sink: { tables: { [t(AuditEvent)]: ['select', 'insert'] }, memberOf: [] },
    webhooks: { tables: webhookTables(), memberOf: [] },
  };
}

/** Tables no process role gets anything on: the owner's alone. */
export const OWNER_ONLY_TABLES = ['mikro_orm_migrations'] as const;

const MAX_IDENTIFIER = 63;

/** `<schema>_<role>`: PostgreSQL roles are cluster-wide, so deployments (and test runs) sharing a cluster never share roles. */
export function processRoleName(schema: string, role: ProcessRole): string {
  const name = `${schema}_${role}`;
  // PostgreSQL silently truncates longer identifiers, which could make two roles one.
  if (name.length > MAX_IDENTIFIER) throw new Error(`role name ${name} is longer than ${MAX_IDENTIFIER} characters: choose a shorter DATABASE_SCHEMA`);
  return name;
}
