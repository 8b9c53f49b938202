import { ApiKey, IdempotencyKey, Inbox, Operation, Outbox, Tenant } from './platform';
import { AuditEvent } from './audit';
import { DomainEvent } from './events';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage } from './webhooks';

export * from './platform';
export * from './audit';
export * from './events';
export * from './webhooks';

/** The platform's own tables; each domain's sit beside its worker (workers/<domain>/entities). */
export const platformEntities = [
  Tenant,
  ApiKey,
  Operation,
  IdempotencyKey,
  Inbox,
  Outbox,
  AuditEvent,
  DomainEvent,
  WebhookEndpoint,
  WebhookMessage,
  WebhookDelivery,
  WebhookAttempt,
];
