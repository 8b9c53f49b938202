// Generated from schemas/commands/orders/OrderCancel.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderCancel = {
	orderId: string;
	reason?: null | undefined | string;
};
