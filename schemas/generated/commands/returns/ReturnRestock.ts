// Generated from schemas/commands/returns/ReturnRestock.avsc by ops/schemas/generate-types.ts. Do not edit.

export type ReturnRestock = {
	returnId: string;
};
