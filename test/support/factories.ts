import { randomUUID } from 'node:crypto';
import type { OperationRow } from '../../shared/orm';
import type { InventoryItemRow, ReservationRow } from '../../workers/inventory/entities';
import type { OrderRow } from '../../workers/orders/entities';
import type { ReturnRow } from '../../workers/returns/entities';
import type { ShipmentRow } from '../../workers/shipments/entities';
import type { WarrantyClaimRow, WarrantyRow } from '../../workers/warranties/entities';

/**
 * Complete, valid rows of each domain table, for tests that seed the database (or a FakeEm) directly.
 * Each factory gives a fresh id and tenant-a by default; a test states only what it is about.
 * Rows hold no cross-references unless given (e.g. `aReturn({ orderId })`): ids default to fresh UUIDs.
 */
const DAY = 86_400_000;
const stamps = () => {
  const now = new Date();
  return { version: 1, createdAt: now, updatedAt: now };
};

export function anOrder(over: Partial<OrderRow> = {}): OrderRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    status: 'pending',
    customerId: 'c1',
    currency: 'EUR',
    items: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 100 }],
    shippingAddress: null,
    billingAddress: null,
    notes: null,
    totalMinor: 100,
    holdReason: null,
    archivedAt: null,
    ...stamps(),
    ...over,
  };
}

export function anOperation(over: Partial<OperationRow> = {}): OperationRow {
  const { createdAt, updatedAt } = stamps();
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    type: 'order.create.v1',
    status: 'succeeded',
    principal: 'test',
    requestId: null,
    resourceType: null,
    resourceId: null,
    error: null,
    createdAt,
    updatedAt,
    ...over,
  };
}

export function anInventoryItem(over: Partial<InventoryItemRow> = {}): InventoryItemRow {
  const { createdAt, updatedAt } = stamps();
  return { tenantId: 'tenant-a', sku: 'SKU-1', name: 'item', description: null, createdAt, updatedAt, ...over };
}

export function aReservation(over: Partial<ReservationRow> = {}): ReservationRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    orderId: randomUUID(),
    status: 'pending',
    lines: [{ sku: 'SKU-1', locationId: 'default', quantity: 1 }],
    expiresAt: new Date(Date.now() + 3600_000),
    ...stamps(),
    ...over,
  };
}

export function aReturn(over: Partial<ReturnRow> = {}): ReturnRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    orderId: randomUUID(),
    status: 'requested',
    lines: [{ sku: 'SKU-1', quantity: 1 }],
    reason: 'broken',
    rejectionReason: null,
    restockOutcome: null,
    restockRefusalReason: null,
    ...stamps(),
    ...over,
  };
}

export function aShipment(over: Partial<ShipmentRow> = {}): ShipmentRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    orderId: randomUUID(),
    status: 'created',
    carrier: null,
    trackingNumber: null,
    lines: [{ sku: 'SKU-1', quantity: 1 }],
    exceptionReason: null,
    shippedAt: null,
    deliveredAt: null,
    ...stamps(),
    ...over,
  };
}

/** Active, started ten days ago, ends in a year. */
export function aWarranty(over: Partial<WarrantyRow> = {}): WarrantyRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    customerId: 'c1',
    sku: 'SKU-1',
    orderId: null,
    serialNumber: null,
    status: 'active',
    startsAt: new Date(Date.now() - 10 * DAY),
    endsAt: new Date(Date.now() + 365 * DAY),
    voidReason: null,
    ...stamps(),
    ...over,
  };
}

export function aClaim(over: Partial<WarrantyClaimRow> = {}): WarrantyClaimRow {
  return {
    id: randomUUID(),
    tenantId: 'tenant-a',
    warrantyId: randomUUID(),
    status: 'submitted',
    description: 'does not start',
    decisionNote: null,
    resolution: null,
    ...stamps(),
    ...over,
  };
}
