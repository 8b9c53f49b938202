import { Migration } from '@mikro-orm/migrations';

/** The resource tables the gateway serves by id (GET /v1/<resources>/{id}) from its read cache. */
export const CACHED_RESOURCE_TABLES = ['orders', 'returns', 'shipments', 'warranties', 'warranty_claims', 'reservations'] as const;

/**
 * `<schema>.row_changed` (payload `<table>:<id>`): a row the gateway may hold in its read cache was
 * updated or deleted. Delivered at commit and in commit order on the one listening connection, so a
 * resource's invalidation reaches a gateway before the `operation_done` of the command that changed
 * it. Inserts notify nothing: a row that did not exist was never cached.
 */
export class Migration20261202000100_row_changed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function stateset_notify_row_changed() returns trigger language plpgsql as $$
      begin perform pg_notify(tg_table_schema || '.row_changed', tg_table_name || ':' || old.id::text); return null; end $$`);
    for (const table of CACHED_RESOURCE_TABLES) {
      this.addSql(`create trigger ${table}_notify_changed after update or delete on ${table}
        for each row execute function stateset_notify_row_changed()`);
    }
  }

  override async down(): Promise<void> {
    for (const table of CACHED_RESOURCE_TABLES) this.addSql(`drop trigger if exists ${table}_notify_changed on ${table}`);
    this.addSql(`drop function if exists stateset_notify_row_changed()`);
  }
}
