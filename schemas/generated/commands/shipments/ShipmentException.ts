// Generated from schemas/commands/shipments/ShipmentException.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentException = {
	shipmentId: string;
	reason: string;
};
