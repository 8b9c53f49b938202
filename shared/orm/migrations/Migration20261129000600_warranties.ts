import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000600_warranties extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table warranties (
      id uuid primary key, tenant_id text not null, customer_id text not null, sku text not null,
      order_id uuid null, serial_number text null,
      status text not null check (status in ('active','expired','void')),
      starts_at timestamptz not null, ends_at timestamptz not null, void_reason text null,
      version int not null default 1, created_at timestamptz not null, updated_at timestamptz not null,
      constraint warranties_period check (ends_at > starts_at),
      constraint warranties_void_reason check ((status = 'void') = (void_reason is not null)))`);
    this.addSql(`create index warranties_page_idx on warranties (tenant_id, created_at desc, id desc)`);
    this.addSql(`create index warranties_customer_idx on warranties (tenant_id, customer_id)`);
    this.addSql(`create index warranties_expiry_idx on warranties (ends_at) where status = 'active'`);
    this.addSql(`create table warranty_claims (
      id uuid primary key, tenant_id text not null, warranty_id uuid not null references warranties (id),
      status text not null check (status in ('submitted','approved','rejected','resolved')),
      description text not null, decision_note text null, resolution text null,
      version int not null default 1, created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql(`create index warranty_claims_warranty_idx on warranty_claims (tenant_id, warranty_id, created_at desc, id desc)`);
    this.addSql(`create index warranty_claims_page_idx on warranty_claims (tenant_id, created_at desc, id desc)`);
  }

  override async down(): Promise<void> {
    for (const t of ['warranty_claims', 'warranties']) this.addSql(`drop table if exists ${t}`);
  }
}
