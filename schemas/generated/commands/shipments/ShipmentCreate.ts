// Generated from schemas/commands/shipments/ShipmentCreate.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentLine = {
	sku: string;
	quantity: number;
};

export type ShipmentCreate = {
	shipmentId: string;
	orderId: string;
	carrier?: null | undefined | string;
	lines?: null | undefined | ShipmentLine[];
};
