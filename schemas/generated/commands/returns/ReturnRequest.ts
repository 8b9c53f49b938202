// Generated from schemas/commands/returns/ReturnRequest.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnLine = {
	sku: string;
	quantity: number;
};

export type ReturnRequest = {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
	reason: string;
};
