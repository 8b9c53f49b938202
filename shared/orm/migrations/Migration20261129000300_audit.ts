import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000300_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table audit_events (
      event_id uuid primary key, tenant_id text null, occurred_at timestamptz not null, principal text null,
      action text not null, resource_type text null, resource_id text null, outcome text not null,
      request_id text null, operation_id uuid null, source_ip text null, user_agent text null, details text null,
      kafka_partition int not null, kafka_offset bigint not null)`);
    this.addSql(`create index audit_events_tenant_idx on audit_events (tenant_id, occurred_at desc, event_id desc)`);
    this.addSql(`create index audit_events_operation_idx on audit_events (operation_id)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_events');
  }
}
