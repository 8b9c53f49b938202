import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000100_platform extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table tenants (
      id text primary key, name text not null, created_at timestamptz not null default now())`);
    this.addSql(`create table api_keys (
      id uuid primary key, tenant_id text not null references tenants(id), key_id text not null unique,
      secret_hash text not null, name text not null, role text not null, permissions text[] not null,
      created_by text not null, redacted text not null, created_at timestamptz not null default now(),
      expires_at timestamptz null, revoked_at timestamptz null, last_used_at timestamptz null,
      rotated_from uuid null)`);
    this.addSql(`create index api_keys_tenant_idx on api_keys (tenant_id, created_at, id)`);
    this.addSql(`create table operations (
      id uuid primary key, tenant_id text not null, type text not null,
      status text not null check (status in ('accepted','running','succeeded','failed')),
      principal text not null, request_id text null, resource_type text null, resource_id text null,
      error jsonb null, created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql(`create table idempotency_keys (
      tenant_id text not null, principal text not null, key text not null, fingerprint text not null,
      operation_id uuid not null, status_code int null, response_body jsonb null,
      created_at timestamptz not null, expires_at timestamptz not null,
      primary key (tenant_id, principal, key))`);
    this.addSql(`create index idempotency_keys_expiry_idx on idempotency_keys (expires_at)`);
    this.addSql(`create table inbox (
      consumer text not null, message_id uuid not null, message_type text not null,
      processed_at timestamptz not null, primary key (consumer, message_id))`);
    this.addSql(`create table outbox (
      id bigserial primary key, topic text not null, message_key text not null, record_name text not null,
      schema_file text not null, payload jsonb not null, headers jsonb not null,
      created_at timestamptz not null, published_at timestamptz null)`);
    this.addSql(`create index outbox_unpublished_idx on outbox (id) where published_at is null`);
    this.addSql(`create table orders (
      id uuid primary key, tenant_id text not null, status text not null, customer_id text not null,
      currency char(3) not null, items jsonb not null, shipping_address jsonb null, billing_address jsonb null,
      notes text null, total_minor bigint not null check (total_minor >= 0), hold_reason text null,
      archived_at timestamptz null, version int not null default 1,
      created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql(`create index orders_tenant_page_idx on orders (tenant_id, created_at desc, id desc)`);
  }

  override async down(): Promise<void> {
    for (const t of ['orders', 'outbox', 'inbox', 'idempotency_keys', 'operations', 'api_keys', 'tenants']) {
      this.addSql(`drop table if exists ${t}`);
    }
  }
}
