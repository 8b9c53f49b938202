// Generated from schemas/commands/orders/OrderCancel.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface OrderCancel {
	orderId: string;
	reason?: null | undefined | string;
}
