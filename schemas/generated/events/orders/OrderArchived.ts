// Generated from schemas/events/orders/OrderArchived.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderArchived = {
	orderId: string;
	tenantId: string;
	version: number;
};
