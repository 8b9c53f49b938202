import { Migration20261129000100_platform } from './Migration20261129000100_platform';
import { Migration20261129000200_inventory } from './Migration20261129000200_inventory';
import { Migration20261129000300_audit } from './Migration20261129000300_audit';
import { Migration20261129000400_returns } from './Migration20261129000400_returns';
import { Migration20261129000500_shipments } from './Migration20261129000500_shipments';
import { Migration20261129000600_warranties } from './Migration20261129000600_warranties';
import { Migration20261201000100_notify } from './Migration20261201000100_notify';
import { Migration20261202000100_row_changed } from './Migration20261202000100_row_changed';
import { Migration20261203000100_published_orders } from './Migration20261203000100_published_orders';
import { Migration20261203000200_return_restock_outcome } from './Migration20261203000200_return_restock_outcome';
import { Migration20261206001000_webhooks } from './Migration20261206001000_webhooks';
import { Migration20261206002000_operation_cancel } from './Migration20261206002000_operation_cancel';
import { Migration20261206002100_events } from './Migration20261206002100_events';

/** Every migration in order; listed explicitly so the same code runs under tsx and compiled JS. */
export const migrationsList = [
  { name: 'Migration20261129000100_platform', class: Migration20261129000100_platform },
  { name: 'Migration20261129000200_inventory', class: Migration20261129000200_inventory },
  { name: 'Migration20261129000300_audit', class: Migration20261129000300_audit },
  { name: 'Migration20261129000400_returns', class: Migration20261129000400_returns },
  { name: 'Migration20261129000500_shipments', class: Migration20261129000500_shipments },
  { name: 'Migration20261129000600_warranties', class: Migration20261129000600_warranties },
  { name: 'Migration20261201000100_notify', class: Migration20261201000100_notify },
  { name: 'Migration20261202000100_row_changed', class: Migration20261202000100_row_changed },
  { name: 'Migration20261203000100_published_orders', class: Migration20261203000100_published_orders },
  { name: 'Migration20261203000200_return_restock_outcome', class: Migration20261203000200_return_restock_outcome },
  { name: 'Migration20261206001000_webhooks', class: Migration20261206001000_webhooks },
  { name: 'Migration20261206002000_operation_cancel', class: Migration20261206002000_operation_cancel },
  { name: 'Migration20261206002100_events', class: Migration20261206002100_events },
];
