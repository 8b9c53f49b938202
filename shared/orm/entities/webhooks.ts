import { EntitySchema } from '@mikro-orm/core';

export type WebhookEndpointStatus = 'enabled' | 'disabled';

/** A tenant's receiver: where to send which events, and the secret that signs them (encrypted, see shared/webhooks/secret-box.ts). */
export interface WebhookEndpointRow {
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  /** `whsec_…` sealed with WEBHOOK_SECRET_KEY; never shown after creation or rotation. */
  secretSealed: string;
  /** The secret before the last rotation, still signing beside the new one until `previousSecretExpiresAt`. */
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  status: WebhookEndpointStatus;
  /** `manual` or `failing` (disabled by the dispatcher after a run of failed attempts). */
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}
export const WebhookEndpoint = new EntitySchema<WebhookEndpointRow>({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    url: { type: 'string' },
    description: { type: 'string', nullable: true },
    eventTypes: { type: 'string[]', columnType: 'text[]' },
    secretSealed: { type: 'string', hidden: true },
    previousSecretSealed: { type: 'string', nullable: true, hidden: true },
    previousSecretExpiresAt: { type: 'Date', nullable: true },
    status: { type: 'string' },
    disabledReason: { type: 'string', nullable: true },
    disabledAt: { type: 'Date', nullable: true },
    consecutiveFailures: { type: 'integer' },
    createdBy: { type: 'string' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
  },
});

/** One event as it is sent: the body is frozen when the event is taken in, so every attempt sends the same bytes. */
export interface WebhookMessageRow {
  /** The `webhook-id`: the event's own id (event-id header, or the audit record id of an operation event). */
  id: string;
  tenantId: string;
  eventType: string;
  body: string;
  occurredAt: Date;
  createdAt: Date;
}
export const WebhookMessage = new EntitySchema<WebhookMessageRow>({
  name: 'WebhookMessage',
  tableName: 'webhook_messages',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    eventType: { type: 'string' },
    body: { type: 'text' },
    occurredAt: { type: 'Date' },
    createdAt: { type: 'Date' },
  },
});

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One message to one endpoint (unique on the pair): retried until it succeeds or its horizon passes. */
export interface WebhookDeliveryRow {
  id: string;
  tenantId: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const WebhookDelivery = new EntitySchema<WebhookDeliveryRow>({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    endpointId: { type: 'uuid' },
    messageId: { type: 'uuid' },
    eventType: { type: 'string' },
    status: { type: 'string' },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'Date', nullable: true },
    lastStatusCode: { type: 'integer', nullable: true },
    lastError: { type: 'string', nullable: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
  },
});

/** One HTTP request of a delivery: what came back (or why nothing did) and how long it took. */
export interface WebhookAttemptRow {
  id: string;
  tenantId: string;
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}
export const WebhookAttempt = new EntitySchema<WebhookAttemptRow>({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempts',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    tenantId: { type: 'string' },
    deliveryId: { type: 'uuid' },
    attemptedAt: { type: 'Date' },
    statusCode: { type: 'integer', nullable: true },
    latencyMs: { type: 'integer' },
    error: { type: 'string', nullable: true },
  },
});
