// Generated from schemas/commands/returns/ReturnReceive.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnReceive = {
	returnId: string;
};
