import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000400_returns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table returns (
      id uuid primary key, tenant_id text not null, order_id uuid not null,
      status text not null check (status in ('requested','approved','rejected','received','restocked','refunded')),
      lines jsonb not null check (jsonb_typeof(lines) = 'array' and jsonb_array_length(lines) > 0),
      reason text not null, rejection_reason text null,
      version int not null default 1, created_at timestamptz not null, updated_at timestamptz not null,
      constraint returns_rejection_reason check ((status = 'rejected') = (rejection_reason is not null)))`);
    this.addSql(`create index returns_order_idx on returns (tenant_id, order_id)`);
    this.addSql(`create index returns_page_idx on returns (tenant_id, created_at desc, id desc)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists returns');
  }
}
