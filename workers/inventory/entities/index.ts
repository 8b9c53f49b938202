import { InventoryAdjustment, InventoryBalance, InventoryItem, Reservation } from './inventory';

export * from './inventory';

/** The tables the inventory domain owns. */
export const inventoryEntities = [InventoryItem, InventoryBalance, InventoryAdjustment, Reservation];
