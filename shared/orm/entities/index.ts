import { ApiKey, IdempotencyKey, Inbox, Operation, Outbox, Tenant } from './platform';
import { Order } from './orders';

export * from './platform';
export * from './orders';

export const allEntities = [Tenant, ApiKey, Operation, IdempotencyKey, Inbox, Outbox, Order];
