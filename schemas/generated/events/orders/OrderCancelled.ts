// Generated from schemas/events/orders/OrderCancelled.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface OrderCancelled {
	orderId: string;
	from: string;
	reason?: null | undefined | string;
}
