import { EntitySchema } from '@mikro-orm/core';

/**
 * Query index of the audit trail for GET /v1/audit/events. The WORM store is the record of truth;
 * this table is written by the sink after the store made a batch durable.
 */
export interface AuditEventRow {
  eventId: string;
  tenantId: string | null;
  occurredAt: Date;
  principal: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: string;
  requestId: string | null;
  operationId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  details: string | null;
  kafkaPartition: number;
  kafkaOffset: string;
}
export const AuditEvent = new EntitySchema<AuditEventRow>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    eventId: { type: 'uuid', primary: true },
    tenantId: { type: 'string', nullable: true },
    occurredAt: { type: 'Date' },
    principal: { type: 'string', nullable: true },
    action: { type: 'string' },
    resourceType: { type: 'string', nullable: true },
    resourceId: { type: 'string', nullable: true },
    outcome: { type: 'string' },
    requestId: { type: 'string', nullable: true },
    operationId: { type: 'uuid', nullable: true },
    sourceIp: { type: 'string', nullable: true },
    userAgent: { type: 'string', nullable: true },
    details: { type: 'text', nullable: true },
    kafkaPartition: { type: 'integer' },
    kafkaOffset: { type: 'bigint' },
  },
});
