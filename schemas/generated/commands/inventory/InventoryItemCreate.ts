// Generated from schemas/commands/inventory/InventoryItemCreate.avsc by ops/schemas/generate-types.ts. Do not edit.

export type InventoryItemCreate = {
	sku: string;
	name: string;
	description?: null | undefined | string;
};
