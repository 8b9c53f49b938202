// Generated from schemas/events/shipments/ShipmentDelivered.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentDelivered = {
	shipmentId: string;
	orderId: string;
	tenantId: string;
	version: number;
};
