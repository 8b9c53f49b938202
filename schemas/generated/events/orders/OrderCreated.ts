// Generated from schemas/events/orders/OrderCreated.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderLine = {
	sku: string;
	quantity: number;
	unitPriceMinor: number;
};

export type OrderCreated = {
	orderId: string;
	customerId: string;
	currency: string;
	items: OrderLine[];
	totalMinor: number;
	status: string;
	tenantId: string;
	version: number;
};
