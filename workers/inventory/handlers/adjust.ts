import { defineHandler } from '../../../shared/worker';
import { adjustStock } from '../stock';

export const inventoryAdjust = defineHandler({
  command: 'inventory.adjust.v1',
  async handle(cmd, ctx) {
    await adjustStock(ctx, cmd.sku, cmd.locationId, cmd.delta, cmd.reason);
    return { type: 'inventory_item', id: cmd.sku };
  },
});
