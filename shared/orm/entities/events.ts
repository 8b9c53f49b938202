import { EntitySchema } from '@mikro-orm/core';

/**
 * A domain event as emitted (the payload exactly as the outbox row carries it), kept for the
 * tenant's event feed (GET /v1/events). `tx_id` is filled by PostgreSQL (the writing transaction)
 * and read only by the feed's own SQL.
 */
export interface DomainEventRow {
  seq: string;
  id: string;
  tenantId: string;
  type: string;
  topic: string;
  aggregateId: string;
  operationId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}
export const DomainEvent = new EntitySchema<DomainEventRow>({
  name: 'DomainEvent',
  tableName: 'events',
  properties: {
    seq: { type: 'bigint', primary: true, autoincrement: true },
    id: { type: 'uuid', unique: true },
    tenantId: { type: 'string' },
    type: { type: 'string' },
    topic: { type: 'string' },
    aggregateId: { type: 'string' },
    operationId: { type: 'uuid', nullable: true },
    payload: { type: 'json' },
    occurredAt: { type: 'Date' },
  },
});
