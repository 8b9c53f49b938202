import { Migration } from '@mikro-orm/migrations';

/**
 * What inventory made of a restocked return (inventory.restock_settled.v1), shown by the return.
 * Returns restocked before this migration keep a null outcome: whether inventory applied them is
 * only in the audit trail (`event.not_applied` records), not something to guess here.
 */
export class Migration20261203000200_return_restock_outcome extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table returns
      add column restock_outcome text null check (restock_outcome in ('pending','applied','refused')),
      add column restock_refusal_reason text null,
      add constraint returns_restock_refusal_reason check ((restock_outcome is not distinct from 'refused') = (restock_refusal_reason is not null))`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table returns drop constraint if exists returns_restock_refusal_reason,
      drop column if exists restock_refusal_reason, drop column if exists restock_outcome`);
  }
}
