// Generated from schemas/commands/returns/ReturnReject.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnReject = {
	returnId: string;
	reason: string;
};
