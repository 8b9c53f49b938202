// Generated from schemas/commands/returns/ReturnRefund.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnRefund = {
	returnId: string;
};
