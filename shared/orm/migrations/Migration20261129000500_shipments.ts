import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000500_shipments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table shipments (
      id uuid primary key, tenant_id text not null, order_id uuid not null,
      status text not null check (status in ('created','shipped','in_transit','delivered','exception')),
      carrier text null, tracking_number text null,
      lines jsonb not null check (jsonb_typeof(lines) = 'array' and jsonb_array_length(lines) > 0),
      exception_reason text null, shipped_at timestamptz null, delivered_at timestamptz null,
      version int not null default 1, created_at timestamptz not null, updated_at timestamptz not null,
      constraint shipments_tracked_once_shipped check (status = 'created' or (carrier is not null and tracking_number is not null and shipped_at is not null)),
      constraint shipments_delivered_at check ((status = 'delivered') = (delivered_at is not null)),
      constraint shipments_exception_reason check ((status = 'exception') = (exception_reason is not null)))`);
    this.addSql(`create index shipments_order_idx on shipments (tenant_id, order_id)`);
    this.addSql(`create index shipments_page_idx on shipments (tenant_id, created_at desc, id desc)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists shipments');
  }
}
