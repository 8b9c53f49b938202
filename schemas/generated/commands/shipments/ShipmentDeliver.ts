// Generated from schemas/commands/shipments/ShipmentDeliver.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentDeliver = {
	shipmentId: string;
};
