// Generated from schemas/commands/returns/ReturnRestock.avsc by ops/schemas/generate-types.ts. Do not edit.

export interface ReturnRestock {
	returnId: string;
}
