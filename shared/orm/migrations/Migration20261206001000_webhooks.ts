import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: the tenants' endpoints, the messages taken from the event and audit topics, one
 * delivery per (endpoint, message) — unique, so a message Kafka redelivers makes no second
 * delivery — and every attempt of a delivery. Deleting an endpoint deletes its deliveries and
 * their attempts; messages stay until retention removes them.
 */
export class Migration20261206001000_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table webhook_endpoints (
      id uuid primary key, tenant_id text not null references tenants(id), url text not null,
      description text null, event_types text[] not null check (cardinality(event_types) > 0),
      secret_sealed text not null, previous_secret_sealed text null, previous_secret_expires_at timestamptz null,
      status text not null check (status in ('enabled','disabled')), disabled_reason text null,
      disabled_at timestamptz null, consecutive_failures int not null default 0,
      created_by text not null, created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql(`create index webhook_endpoints_tenant_idx on webhook_endpoints (tenant_id, created_at, id)`);
    this.addSql(`create table webhook_messages (
      id uuid primary key, tenant_id text not null, event_type text not null, body text not null,
      occurred_at timestamptz not null, created_at timestamptz not null default now())`);
    this.addSql(`create table webhook_deliveries (
      id uuid primary key, tenant_id text not null,
      endpoint_id uuid not null references webhook_endpoints(id) on delete cascade,
      message_id uuid not null references webhook_messages(id), event_type text not null,
      status text not null check (status in ('pending','succeeded','failed')), attempts int not null default 0,
      next_attempt_at timestamptz null, last_status_code int null, last_error text null,
      created_at timestamptz not null, updated_at timestamptz not null,
      unique (endpoint_id, message_id))`);
    this.addSql(`create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending'`);
    this.addSql(`create index webhook_deliveries_endpoint_page_idx on webhook_deliveries (endpoint_id, created_at desc, id desc)`);
    this.addSql(`create table webhook_attempts (
      id bigserial primary key, tenant_id text not null,
      delivery_id uuid not null references webhook_deliveries(id) on delete cascade,
      attempted_at timestamptz not null, status_code int null, latency_ms int not null, error text null)`);
    this.addSql(`create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id)`);
  }

  override async down(): Promise<void> {
    for (const t of ['webhook_attempts', 'webhook_deliveries', 'webhook_messages', 'webhook_endpoints']) this.addSql(`drop table if exists ${t}`);
  }
}
