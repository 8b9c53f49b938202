// Generated from schemas/events/inventory/InventoryItemCreated.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface InventoryItemCreated {
	sku: string;
	name: string;
}
