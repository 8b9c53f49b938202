// Generated from schemas/events/shipments/ShipmentStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentStatusChanged = {
	shipmentId: string;
	orderId: string;
	from: string;
	to: string;
	carrier?: null | undefined | string;
	trackingNumber?: null | undefined | string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
