import { Migration } from '@mikro-orm/migrations';

export class Migration20261129000200_inventory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table inventory_items (
      tenant_id text not null, sku text not null, name text not null, description text null,
      created_at timestamptz not null, updated_at timestamptz not null, primary key (tenant_id, sku))`);
    this.addSql(`create table inventory_balances (
      tenant_id text not null, sku text not null, location_id text not null,
      on_hand int not null check (on_hand >= 0), reserved int not null check (reserved >= 0),
      version int not null default 1, updated_at timestamptz not null,
      primary key (tenant_id, sku, location_id),
      foreign key (tenant_id, sku) references inventory_items (tenant_id, sku),
      constraint inventory_available_not_negative check (on_hand - reserved >= 0))`);
    this.addSql(`create table inventory_adjustments (
      id uuid primary key, tenant_id text not null, sku text not null, location_id text not null,
      delta int not null, reason text not null, operation_id uuid null, created_at timestamptz not null)`);
    this.addSql(`create index inventory_adjustments_sku_idx on inventory_adjustments (tenant_id, sku, created_at)`);
    this.addSql(`create table reservations (
      id uuid primary key, tenant_id text not null, order_id text not null,
      status text not null check (status in ('pending','confirmed','released','expired','cancelled')),
      lines jsonb not null, expires_at timestamptz not null, version int not null default 1,
      created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql(`create index reservations_order_idx on reservations (tenant_id, order_id)`);
    this.addSql(`create index reservations_expiry_idx on reservations (expires_at) where status = 'pending'`);
    this.addSql(`create index reservations_page_idx on reservations (tenant_id, created_at desc, id desc)`);
    this.addSql(`create index inventory_items_page_idx on inventory_items (tenant_id, created_at desc, sku desc)`);
  }

  override async down(): Promise<void> {
    for (const t of ['reservations', 'inventory_adjustments', 'inventory_balances', 'inventory_items']) this.addSql(`drop table if exists ${t}`);
  }
}
