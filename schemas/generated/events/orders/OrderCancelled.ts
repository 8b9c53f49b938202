// Generated from schemas/events/orders/OrderCancelled.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderCancelled = {
	orderId: string;
	from: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
