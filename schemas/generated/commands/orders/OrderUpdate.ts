// Generated from schemas/commands/orders/OrderUpdate.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface OrderLine {
	sku: string;
	quantity: number;
	unitPriceMinor: number;
}

export interface Address {
	line1: string;
	line2?: null | undefined | string;
	city: string;
	postalCode: string;
	country: string;
}

export interface OrderUpdate {
	orderId: string;
	customerId?: null | undefined | string;
	items?: null | undefined | OrderLine[];
	shippingAddress?: null | undefined | Address;
	billingAddress?: null | undefined | Address;
	notes?: null | undefined | string;
}
