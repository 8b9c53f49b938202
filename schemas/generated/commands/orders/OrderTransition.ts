// Generated from schemas/commands/orders/OrderTransition.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderTransition = {
	orderId: string;
	to: string;
	reason?: null | undefined | string;
};
