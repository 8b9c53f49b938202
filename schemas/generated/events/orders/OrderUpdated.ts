// Generated from schemas/events/orders/OrderUpdated.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderLine = {
	sku: string;
	quantity: number;
	unitPriceMinor: number;
};

export type OrderUpdated = {
	orderId: string;
	items: OrderLine[];
	totalMinor: number;
	tenantId: string;
	version: number;
};
