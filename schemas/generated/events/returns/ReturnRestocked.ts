// Generated from schemas/events/returns/ReturnRestocked.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnLine = {
	sku: string;
	quantity: number;
};

export type ReturnRestocked = {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
	tenantId: string;
	version: number;
};
