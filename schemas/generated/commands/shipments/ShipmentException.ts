// Generated from schemas/commands/shipments/ShipmentException.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ShipmentException {
	shipmentId: string;
	reason: string;
}
