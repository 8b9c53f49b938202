// Generated from schemas/events/returns/ReturnRequested.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnLine = {
	sku: string;
	quantity: number;
};

export type ReturnRequested = {
	returnId: string;
	orderId: string;
	lines: ReturnLine[];
	reason: string;
	tenantId: string;
	version: number;
};
