import { Migration } from '@mikro-orm/migrations';

/**
 * `published_orders()`: the orders domain's read contract for the other domains
 * (workers/orders/entities/published-order.ts). A function rather than a view because a view's rows
 * can be locked (and written) through it; a function's cannot.
 */
export class Migration20261203000100_published_orders extends Migration {
  override async up(): Promise<void> {
    // STABLE, plain SQL, no SET clause: the planner inlines it, so `where id = ?` uses orders_pkey.
    this.addSql(`create function published_orders() returns table (id uuid, tenant_id text, status text, items jsonb)
      language sql stable as $$ select id, tenant_id, status, items from orders $$`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists published_orders()');
  }
}
