import { EntitySchema } from '@mikro-orm/core';

export type ShipmentStatus = 'created' | 'shipped' | 'in_transit' | 'delivered' | 'exception';
export interface ShipmentLineValue {
  sku: string;
  quantity: number;
}

export interface ShipmentRow {
  id: string;
  tenantId: string;
  orderId: string;
  status: ShipmentStatus;
  carrier: string | null;
  trackingNumber: string | null;
  lines: ShipmentLineValue[];
  exceptionReason: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const Shipment = new EntitySchema<ShipmentRow>({
  name: 'Shipment',
  tableName: 'shipments',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    orderId: { type: 'uuid' },
    status: { type: 'string' },
    carrier: { type: 'string', nullable: true },
    trackingNumber: { type: 'string', nullable: true },
    lines: { type: 'json' },
    exceptionReason: { type: 'text', nullable: true },
    shippedAt: { type: 'Date', nullable: true },
    deliveredAt: { type: 'Date', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
