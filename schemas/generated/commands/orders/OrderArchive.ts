// Generated from schemas/commands/orders/OrderArchive.avsc by ops/schemas/generate-types.ts. Do not edit.

export type OrderArchive = {
	orderId: string;
};
