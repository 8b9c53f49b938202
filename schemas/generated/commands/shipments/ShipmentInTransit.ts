// Generated from schemas/commands/shipments/ShipmentInTransit.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ShipmentInTransit = {
	shipmentId: string;
};
