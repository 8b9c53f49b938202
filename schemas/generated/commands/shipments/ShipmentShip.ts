// Generated from schemas/commands/shipments/ShipmentShip.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentShip = {
	shipmentId: string;
	carrier: string;
	trackingNumber: string;
};
