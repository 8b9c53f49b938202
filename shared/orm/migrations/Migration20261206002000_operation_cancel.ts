import { Migration } from '@mikro-orm/migrations';

/**
 * Operations can be cancelled (POST /v1/operations/{id}/cancel) and listed (GET /v1/operations).
 * - `cancelled` is a final status: it is announced on `operation_done` like the other two, so
 *   long-polls answer and the gateway's read cache drops the entry.
 * - The listing pages by (tenant, created_at, id), and by resource within a tenant; the retention
 *   purge finds old rows by created_at. None of these columns changes after the insert, so the
 *   worker's status update stays a HOT update (no index entry rewritten).
 */
export class Migration20261206002000_operation_cancel extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table operations drop constraint operations_status_check`);
    this.addSql(`alter table operations add constraint operations_status_check check (status in ('accepted','running','succeeded','failed','cancelled'))`);
    this.addSql(`drop trigger operations_notify_done on operations`);
    this.addSql(`create trigger operations_notify_done after insert or update of status on operations
      for each row when (new.status in ('succeeded', 'failed', 'cancelled')) execute function stateset_notify_operation_done()`);
    this.addSql(`create index operations_tenant_page_idx on operations (tenant_id, created_at desc, id desc)`);
    this.addSql(`create index operations_tenant_resource_idx on operations (tenant_id, resource_id, created_at desc, id desc)`);
    this.addSql(`create index operations_created_idx on operations (created_at)`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists operations_created_idx`);
    this.addSql(`drop index if exists operations_tenant_resource_idx`);
    this.addSql(`drop index if exists operations_tenant_page_idx`);
    this.addSql(`drop trigger operations_notify_done on operations`);
    this.addSql(`create trigger operations_notify_done after insert or update of status on operations
      for each row when (new.status in ('succeeded', 'failed')) execute function stateset_notify_operation_done()`);
    this.addSql(`update operations set status = 'failed' where status = 'cancelled'`);
    this.addSql(`alter table operations drop constraint operations_status_check`);
    this.addSql(`alter table operations add constraint operations_status_check check (status in ('accepted','running','succeeded','failed'))`);
  }
}
