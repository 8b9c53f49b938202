// Generated from schemas/events/shipments/ShipmentCreated.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentLine = {
	sku: string;
	quantity: number;
};

export type ShipmentCreated = {
	shipmentId: string;
	orderId: string;
	carrier?: null | undefined | string;
	lines: ShipmentLine[];
	tenantId: string;
	version: number;
};
