// Generated from schemas/events/orders/OrderStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderStatusChanged = {
	orderId: string;
	from: string;
	to: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
