import type { KafkaMessage } from 'kafkajs';
import { readHeader } from '../../shared/kafka';
import type { OperationRow } from '../../shared/orm';
import { operationView } from '../../gateway/services/operation-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit actions that end an operation, and the webhook event each one is. */
const OPERATION_OUTCOMES: Record<string, 'operation.succeeded' | 'operation.failed'> = {
  'command.succeeded': 'operation.succeeded',
  'command.failed': 'operation.failed',
  'command.dead_lettered': 'operation.failed',
};

/** An event on its way to the endpoints: its id is the webhook-id every attempt carries. */
export interface WebhookCandidate {
  id: string;
  tenantId: string;
  eventType: string;
  occurredAt: Date;
  /** Builds the body (Standard Webhooks' `{type, timestamp, data}`), once, when an endpoint wants the event. */
  body(operations: ReadonlyMap<string, OperationRow>): string;
  /** The operation whose row the body shows (operation events only). */
  operationId?: string;
}

function occurredAt(value: string | undefined): Date {
  const d = new Date(value ?? '');
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/** A domain event (any `stateset.events.<domain>` message), or null when its headers do not say whose and which it is. */
export function domainEventCandidate(message: KafkaMessage, payload: Record<string, unknown>): WebhookCandidate | null {
  const id = readHeader(message.headers, 'event-id');
  const eventType = readHeader(message.headers, 'event-type');
  const tenantId = readHeader(message.headers, 'tenant-id');
  if (!id || !UUID.test(id) || !eventType || !tenantId) return null;
  const at = occurredAt(readHeader(message.headers, 'occurred-at'));
  const operationId = readHeader(message.headers, 'operation-id') || null;
  return {
    id,
    tenantId,
    eventType,
    occurredAt: at,
    body: () => JSON.stringify({ type: eventType, timestamp: at.toISOString(), operationId, data: payload }),
  };
}

/** Whether an audit-topic message may be an operation outcome, from its headers alone (most audit records are not: no decoding for them). */
export function mayBeOperationOutcome(message: KafkaMessage): boolean {
  const type = readHeader(message.headers, 'event-type');
  return type !== undefined && type.startsWith('audit.') && type.slice('audit.'.length) in OPERATION_OUTCOMES;
}

/** An audit record that ends an operation → `operation.succeeded` / `operation.failed`; anything else → null. */
export function operationCandidate(record: Record<string, unknown>): WebhookCandidate | null {
  const type = OPERATION_OUTCOMES[String(record.action)];
  const id = String(record.eventId ?? '');
  const tenantId = typeof record.tenantId === 'string' ? record.tenantId : null;
  const operationId = typeof record.operationId === 'string' ? record.operationId : null;
  if (!type || !UUID.test(id) || !tenantId || !operationId) return null;
  const at = occurredAt(String(record.occurredAt));
  return {
    id,
    tenantId,
    eventType: type,
    occurredAt: at,
    operationId,
    body: (operations) => {
      const row = operations.get(operationId);
      // The operation row is written in the transaction that wrote this record, so it is there
      // unless retention removed it since; then the record itself says what is known.
      const data = row
        ? operationView(row)
        : { id: operationId, status: type === 'operation.succeeded' ? 'succeeded' : 'failed', done: true, resource: resourceOf(record) };
      return JSON.stringify({ type, timestamp: at.toISOString(), data });
    },
  };
}

function resourceOf(record: Record<string, unknown>): { type: string; id: string } | undefined {
  return typeof record.resourceType === 'string' && typeof record.resourceId === 'string' ? { type: record.resourceType, id: record.resourceId } : undefined;
}
