// Generated from schemas/events/returns/ReturnRestocked.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReturnLine {
	sku: string;
	quantity: number;
}

export interface ReturnRestocked {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
}
