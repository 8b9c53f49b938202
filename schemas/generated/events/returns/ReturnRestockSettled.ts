// Generated from schemas/events/returns/ReturnRestockSettled.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnRestockSettled = {
	returnId: string;
	orderId: string;
	outcome: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
