import { ApiKey, IdempotencyKey, Inbox, Operation, Outbox, Tenant } from './platform';
import { Order } from './orders';
import { InventoryAdjustment, InventoryBalance, InventoryItem, Reservation } from './inventory';

export * from './platform';
export * from './orders';
export * from './inventory';
export * from './audit';
import { AuditEvent } from './audit';

export const allEntities = [Tenant, ApiKey, Operation, IdempotencyKey, Inbox, Outbox, Order, InventoryItem, InventoryBalance, InventoryAdjustment, Reservation, AuditEvent];
