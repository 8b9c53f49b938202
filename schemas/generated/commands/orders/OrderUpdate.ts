// Generated from schemas/commands/orders/OrderUpdate.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderLine = {
	sku: string;
	quantity: number;
	unitPriceMinor: number;
};

export type Address = {
	line1: string;
	line2?: null | undefined | string;
	city: string;
	postalCode: string;
	country: string;
};

export type OrderUpdate = {
	orderId: string;
	customerId?: null | undefined | string;
	items?: null | undefined | OrderLine[];
	shippingAddress?: null | undefined | Address;
	billingAddress?: null | undefined | Address;
	notes?: null | undefined | string;
};
