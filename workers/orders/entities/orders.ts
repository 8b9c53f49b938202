import { EntitySchema } from '@mikro-orm/core';
import type { OrderStatus } from '../../../shared/domain/order-status';

export type { OrderStatus } from '../../../shared/domain/order-status';

export interface OrderLineValue {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}
export interface AddressValue {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderRow {
  id: string;
  tenantId: string;
  status: OrderStatus;
  customerId: string;
  currency: string;
  items: OrderLineValue[];
  shippingAddress: AddressValue | null;
  billingAddress: AddressValue | null;
  notes: string | null;
  totalMinor: number;
  holdReason: string | null;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const Order = new EntitySchema<OrderRow>({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    status: { type: 'string' },
    customerId: { type: 'string' },
    currency: { type: 'string' },
    items: { type: 'json' },
    shippingAddress: { type: 'json', nullable: true },
    billingAddress: { type: 'json', nullable: true },
    notes: { type: 'text', nullable: true },
    totalMinor: { type: 'bigint', mapToPk: false },
    holdReason: { type: 'string', nullable: true },
    archivedAt: { type: 'Date', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
