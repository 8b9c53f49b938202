// Generated from schemas/commands/inventory/InventoryAdjust.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryAdjust = {
	sku: string;
	locationId: string;
	delta: number;
	reason: string;
};
