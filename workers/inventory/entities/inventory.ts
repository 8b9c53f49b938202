import { EntitySchema } from '@mikro-orm/core';

export interface InventoryItemRow {
  tenantId: string;
  sku: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const InventoryItem = new EntitySchema<InventoryItemRow>({
  name: 'InventoryItem',
  tableName: 'inventory_items',
  properties: {
    tenantId: { type: 'string', primary: true },
    sku: { type: 'string', primary: true },
    name: { type: 'string' },
    description: { type: 'text', nullable: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date', onUpdate: () => new Date() },
  },
});

/** Stock of one SKU at one location. available = onHand − reserved, kept ≥ 0 by a CHECK. */
export interface InventoryBalanceRow {
  tenantId: string;
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  version: number;
  updatedAt: Date;
}
export const InventoryBalance = new EntitySchema<InventoryBalanceRow>({
  name: 'InventoryBalance',
  tableName: 'inventory_balances',
  properties: {
    tenantId: { type: 'string', primary: true },
    sku: { type: 'string', primary: true },
    locationId: { type: 'string', primary: true },
    onHand: { type: 'integer' },
    reserved: { type: 'integer' },
    version: { type: 'integer', version: true },
    updatedAt: { type: 'Date', onUpdate: () => new Date() },
  },
});

export interface InventoryAdjustmentRow {
  id: string;
  tenantId: string;
  sku: string;
  locationId: string;
  delta: number;
  reason: string;
  operationId: string | null;
  createdAt: Date;
}
export const InventoryAdjustment = new EntitySchema<InventoryAdjustmentRow>({
  name: 'InventoryAdjustment',
  tableName: 'inventory_adjustments',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    sku: { type: 'string' },
    locationId: { type: 'string' },
    delta: { type: 'integer' },
    reason: { type: 'string' },
    operationId: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date' },
  },
});

export type ReservationStatus = 'pending' | 'confirmed' | 'released' | 'expired' | 'cancelled';
export interface ReservationLineValue {
  sku: string;
  locationId: string;
  quantity: number;
}
export interface ReservationRow {
  id: string;
  tenantId: string;
  orderId: string;
  status: ReservationStatus;
  lines: ReservationLineValue[];
  expiresAt: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
export const Reservation = new EntitySchema<ReservationRow>({
  name: 'Reservation',
  tableName: 'reservations',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    orderId: { type: 'string' },
    status: { type: 'string' },
    lines: { type: 'json' },
    expiresAt: { type: 'Date' },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date', onUpdate: () => new Date() },
  },
});
