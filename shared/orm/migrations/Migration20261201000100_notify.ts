import { Migration } from '@mikro-orm/migrations';

/**
 * Wake-ups instead of polling. PostgreSQL delivers a NOTIFY at commit, so a listener hears only of
 * committed rows. Channels carry the schema name, so deployments (and test runs) sharing a
 * database never wake each other:
 * - `<schema>.outbox`: rows were added to the outbox (one notification per statement) → the relay drains.
 * - `<schema>.operation_done`: an operation reached a final state (payload: its id) → long-polls answer.
 * `outbox.publish_attempts` counts publishes of a row: above 1, a relay crashed between publishing
 * the row and marking it sent, and the row was published again.
 */
export class Migration20261201000100_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox add column publish_attempts int not null default 0`);
    this.addSql(`create function stateset_notify_outbox() returns trigger language plpgsql as $$
      begin perform pg_notify(tg_table_schema || '.outbox', ''); return null; end $$`);
    this.addSql(`create trigger outbox_notify after insert on outbox
      for each statement execute function stateset_notify_outbox()`);
    this.addSql(`create function stateset_notify_operation_done() returns trigger language plpgsql as $$
      begin perform pg_notify(tg_table_schema || '.operation_done', new.id::text); return null; end $$`);
    this.addSql(`create trigger operations_notify_done after insert or update of status on operations
      for each row when (new.status in ('succeeded', 'failed')) execute function stateset_notify_operation_done()`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists operations_notify_done on operations`);
    this.addSql(`drop function if exists stateset_notify_operation_done()`);
    this.addSql(`drop trigger if exists outbox_notify on outbox`);
    this.addSql(`drop function if exists stateset_notify_outbox()`);
    this.addSql(`alter table outbox drop column publish_attempts`);
  }
}
