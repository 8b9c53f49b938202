import { randomUUID } from 'node:crypto';

export type AuditOutcome = 'success' | 'failure' | 'denied';

/** TS shape of schemas/audit/AuditRecord.avsc, with nullable fields as `string | null`. */
export interface AuditRecord {
  eventId: string;
  occurredAt: string;
  tenantId: string | null;
  principal: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  operationId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  details: string | null;
}

export type AuditInput = Pick<AuditRecord, 'action' | 'outcome'> &
  Partial<Omit<AuditRecord, 'eventId' | 'occurredAt' | 'details' | 'action' | 'outcome'>> & {
    details?: Record<string, unknown>;
  };

export function buildAuditRecord(input: AuditInput, now = new Date()): AuditRecord {
  return {
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
    tenantId: input.tenantId ?? null,
    principal: input.principal ?? null,
    action: input.action,
    resourceType: input.resourceType ?? null,
    resourceId: input.resourceId ?? null,
    outcome: input.outcome,
    requestId: input.requestId ?? null,
    operationId: input.operationId ?? null,
    sourceIp: input.sourceIp ?? null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 256) : null,
    details: input.details ? JSON.stringify(input.details) : null,
  };
}
