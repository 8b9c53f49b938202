// Generated from schemas/events/shipments/ShipmentCreated.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ShipmentLine {
	sku: string;
	quantity: number;
}

export interface ShipmentCreated {
	shipmentId: string;
	orderId: string;
	carrier?: null | undefined | string;
	lines: ShipmentLine[];
}
