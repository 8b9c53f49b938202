// Generated from schemas/commands/orders/OrderCreate.avsc by ops/schemas/generate-types.ts. Do not edit.

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

export type OrderCreate = {
	orderId: string;
	customerId: string;
	currency: string;
	items: OrderLine[];
	shippingAddress?: null | undefined | Address;
	billingAddress?: null | undefined | Address;
	notes?: null | undefined | string;
};
