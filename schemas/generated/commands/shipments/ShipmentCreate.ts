// Generated from schemas/commands/shipments/ShipmentCreate.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ShipmentLine {
	sku: string;
	quantity: number;
}

export interface ShipmentCreate {
	shipmentId: string;
	orderId: string;
	carrier?: null | undefined | string;
	lines?: null | undefined | ShipmentLine[];
}
