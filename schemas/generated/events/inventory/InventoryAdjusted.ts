// Generated from schemas/events/inventory/InventoryAdjusted.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryAdjusted = {
	sku: string;
	locationId: string;
	delta: number;
	onHand: number;
	reserved: number;
	reason: string;
	tenantId: string;
	version: number;
};
