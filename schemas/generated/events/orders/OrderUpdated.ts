// Generated from schemas/events/orders/OrderUpdated.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface OrderLine {
	sku: string;
	quantity: number;
	unitPriceMinor: number;
}

export interface OrderUpdated {
	orderId: string;
	items: OrderLine[];
	totalMinor: number;
}
