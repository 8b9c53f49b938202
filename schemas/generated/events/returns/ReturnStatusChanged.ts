// Generated from schemas/events/returns/ReturnStatusChanged.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnStatusChanged = {
	returnId: string;
	orderId: string;
	from: string;
	to: string;
	reason?: null | undefined | string;
	tenantId: string;
	version: number;
};
