// Generated from schemas/commands/returns/ReturnApprove.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnApprove = {
	returnId: string;
};
