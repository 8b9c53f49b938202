import { defineHandler } from '../../../shared/worker';
import { InventoryItem } from '../entities';
import { ConflictError } from '../../../shared/errors';

export const inventoryItemCreate = defineHandler({
  command: 'inventory.item.create.v1',
  async handle(cmd, ctx) {
    if (await ctx.em.findOne(InventoryItem, { tenantId: ctx.tenantId, sku: cmd.sku })) {
      throw new ConflictError(`inventory item ${cmd.sku} already exists`);
    }
    const now = new Date();
    ctx.em.create(InventoryItem, {
      tenantId: ctx.tenantId,
      sku: cmd.sku,
      name: cmd.name,
      description: cmd.description ?? null,
      createdAt: now,
      updatedAt: now,
    });
    ctx.emit('inventory.item_created.v1', { sku: cmd.sku, name: cmd.name }, null);
    ctx.stateChanged('inventory_item', cmd.sku, null, 'created');
    return { type: 'inventory_item', id: cmd.sku };
  },
});
