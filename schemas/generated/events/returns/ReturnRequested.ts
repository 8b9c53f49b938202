// Generated from schemas/events/returns/ReturnRequested.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReturnLine {
	sku: string;
	quantity: number;
}

export interface ReturnRequested {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
	reason: string;
}
