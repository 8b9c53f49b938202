import { Migration } from '@mikro-orm/migrations';

/**
 * `events`: every domain event a worker emitted, for GET /v1/events (integrators that cannot read
 * Kafka). Written by the outbox writer in the transaction that emits the event, kept for
 * EVENT_RETENTION_DAYS. `seq` orders rows; `tx_id` (the writing transaction) makes the feed gap-free:
 * a reader is shown only rows of transactions older than every transaction still running
 * (pg_snapshot_xmin), so a row never appears later behind a cursor already handed out.
 */
export class Migration20261206002100_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table events (
      seq bigserial primary key, tx_id xid8 not null default pg_current_xact_id(),
      id uuid not null unique, tenant_id text not null, type text not null, topic text not null,
      aggregate_id text not null, operation_id uuid null, payload jsonb not null, occurred_at timestamptz not null)`);
    this.addSql(`create index events_tenant_feed_idx on events (tenant_id, tx_id, seq)`);
    this.addSql(`create index events_occurred_idx on events (occurred_at)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists events`);
  }
}
