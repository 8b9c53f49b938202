// Generated from schemas/events/inventory/InventoryItemCreated.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryItemCreated = {
	sku: string;
	name: string;
	tenantId: string;
	version: number;
};
