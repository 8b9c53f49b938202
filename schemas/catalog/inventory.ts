import { inventoryAdjustBody, inventoryItemCreateBody, inventoryReserveBody, reservationReleaseBody } from '../http/inventory';
import { emptyBody, sku } from '../http/common';
import { command, event, type EventDefinition } from './types';

const base = { domain: 'inventory', permission: 'inventory:write' } as const;

export const inventoryCommands = [
  command({
    ...base,
    type: 'inventory.item.create.v1',
    schemaFile: 'commands/inventory/InventoryItemCreate.avsc',
    keyField: 'sku',
    resourceType: 'inventory_item',
    route: { method: 'post', path: '/v1/inventory/items' },
    summary: 'Create an inventory item (a SKU)',
    body: inventoryItemCreateBody,
    toPayload: (b) => ({ sku: b.sku, name: b.name, description: b.description ?? null }),
  }),
  command({
    ...base,
    type: 'inventory.adjust.v1',
    schemaFile: 'commands/inventory/InventoryAdjust.avsc',
    keyField: 'sku',
    resourceType: 'inventory_item',
    route: { method: 'post', path: '/v1/inventory/items/:id/adjustments' },
    idParam: sku,
    summary: 'Add or remove stock of a SKU at a location (available never goes below zero)',
    body: inventoryAdjustBody,
    toPayload: (b, ctx) => ({ sku: ctx.id, locationId: b.locationId, delta: b.delta, reason: b.reason }),
  }),
  command({
    ...base,
    type: 'inventory.reserve.v1',
    schemaFile: 'commands/inventory/InventoryReserve.avsc',
    keyField: 'reservationId',
    resourceType: 'reservation',
    route: { method: 'post', path: '/v1/inventory/reservations' },
    summary: 'Reserve stock for an order; pending reservations expire after their TTL',
    body: inventoryReserveBody,
    toPayload: (b, ctx) => ({ reservationId: ctx.newId(), orderId: b.orderId, lines: b.lines, ttlSeconds: b.ttlSeconds ?? null }),
  }),
  command({
    ...base,
    type: 'inventory.reservation.confirm.v1',
    schemaFile: 'commands/inventory/ReservationConfirm.avsc',
    keyField: 'reservationId',
    resourceType: 'reservation',
    route: { method: 'post', path: '/v1/inventory/reservations/:id/confirm' },
    summary: 'Confirm a pending reservation (it no longer expires)',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ reservationId: ctx.id }),
  }),
  command({
    ...base,
    type: 'inventory.reservation.release.v1',
    schemaFile: 'commands/inventory/ReservationRelease.avsc',
    keyField: 'reservationId',
    resourceType: 'reservation',
    route: { method: 'post', path: '/v1/inventory/reservations/:id/release' },
    summary: 'Release a reservation; its stock becomes available again',
    body: reservationReleaseBody,
    toPayload: (b, ctx) => ({ reservationId: ctx.id, reason: b.reason ?? null }),
  }),
];

const inventoryEvent = { domain: 'inventory' } as const;

export const inventoryEvents: EventDefinition[] = [
  event({
    ...inventoryEvent,
    type: 'inventory.item_created.v1',
    schemaFile: 'events/inventory/InventoryItemCreated.avsc',
    keyField: 'sku',
    versionOf: null,
  }),
  event({
    ...inventoryEvent,
    type: 'inventory.adjusted.v1',
    schemaFile: 'events/inventory/InventoryAdjusted.avsc',
    keyField: 'sku',
    versionOf: 'the balance (`sku`, `locationId`)',
  }),
  event({
    ...inventoryEvent,
    type: 'inventory.reserved.v1',
    schemaFile: 'events/inventory/InventoryReserved.avsc',
    keyField: 'orderId',
    versionOf: 'the reservation',
  }),
  event({
    ...inventoryEvent,
    type: 'inventory.reservation_failed.v1',
    schemaFile: 'events/inventory/InventoryReservationFailed.avsc',
    keyField: 'orderId',
    versionOf: null,
  }),
  event({
    ...inventoryEvent,
    type: 'inventory.reservation_status_changed.v1',
    schemaFile: 'events/inventory/ReservationStatusChanged.avsc',
    keyField: 'orderId',
    versionOf: 'the reservation',
  }),
  event({
    ...inventoryEvent,
    type: 'inventory.restock_settled.v1',
    schemaFile: 'events/inventory/InventoryRestockSettled.avsc',
    keyField: 'returnId',
    versionOf: null,
  }),
];
