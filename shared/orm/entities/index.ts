import { ApiKey, IdempotencyKey, Inbox, Operation, Outbox, Tenant } from './platform';
import { Order } from './orders';
import { InventoryAdjustment, InventoryBalance, InventoryItem, Reservation } from './inventory';
import { Return } from './returns';
import { Shipment } from './shipments';
import { Warranty, WarrantyClaim } from './warranties';

export * from './platform';
export * from './orders';
export * from './inventory';
export * from './returns';
export * from './shipments';
export * from './warranties';
export * from './audit';
import { AuditEvent } from './audit';

export const allEntities = [Tenant, ApiKey, Operation, IdempotencyKey, Inbox, Outbox, Order, InventoryItem, InventoryBalance, InventoryAdjustment, Reservation, Return, Shipment, Warranty, WarrantyClaim, AuditEvent];
