// Generated from schemas/audit/AuditRecord.avsc by ops/schemas/generate-types.ts. Do not edit.

export type AuditOutcome = 'success' | 'failure' | 'denied';

export type AuditRecord = {
	eventId: string;
	occurredAt: string;
	tenantId?: null | undefined | string;
	principal?: null | undefined | string;
	action: string;
	resourceType?: null | undefined | string;
	resourceId?: null | undefined | string;
	outcome: AuditOutcome;
	requestId?: null | undefined | string;
	operationId?: null | undefined | string;
	sourceIp?: null | undefined | string;
	userAgent?: null | undefined | string;
	details?: null | undefined | string;
};
