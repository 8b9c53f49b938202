// Generated from schemas/commands/returns/ReturnRequest.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReturnLine {
	sku: string;
	quantity: number;
}

export interface ReturnRequest {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
	reason: string;
}
