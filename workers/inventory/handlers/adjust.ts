import { defineHandler } from '../../../shared/worker';
import { adjustStock, lockStockVersion } from '../stock';

export const inventoryAdjust = defineHandler({
  command: 'inventory.adjust.v1',
  // The route's :id is the item: If-Match names its stock version (GET /v1/inventory/items/{sku}).
  target: (cmd, ctx) => lockStockVersion(ctx.em, ctx.tenantId, cmd.sku),
  async handle(cmd, ctx) {
    await adjustStock(ctx, cmd.sku, cmd.locationId, cmd.delta, cmd.reason);
    return { type: 'inventory_item', id: cmd.sku };
  },
});
