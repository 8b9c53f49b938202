import { EntitySchema } from '@mikro-orm/core';

export type WarrantyStatus = 'active' | 'expired' | 'void';

export interface WarrantyRow {
  id: string;
  tenantId: string;
  customerId: string;
  sku: string;
  orderId: string | null;
  serialNumber: string | null;
  status: WarrantyStatus;
  startsAt: Date;
  /** Exclusive: the warranty covers [startsAt, endsAt). */
  endsAt: Date;
  voidReason: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const Warranty = new EntitySchema<WarrantyRow>({
  name: 'Warranty',
  tableName: 'warranties',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    customerId: { type: 'string' },
    sku: { type: 'string' },
    orderId: { type: 'uuid', nullable: true },
    serialNumber: { type: 'string', nullable: true },
    status: { type: 'string' },
    startsAt: { type: 'Date' },
    endsAt: { type: 'Date' },
    voidReason: { type: 'text', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

export type WarrantyClaimStatus = 'submitted' | 'approved' | 'rejected' | 'resolved';

export interface WarrantyClaimRow {
  id: string;
  tenantId: string;
  warrantyId: string;
  status: WarrantyClaimStatus;
  description: string;
  /** The approval note or the rejection reason. */
  decisionNote: string | null;
  resolution: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const WarrantyClaim = new EntitySchema<WarrantyClaimRow>({
  name: 'WarrantyClaim',
  tableName: 'warranty_claims',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    warrantyId: { type: 'uuid' },
    status: { type: 'string' },
    description: { type: 'text' },
    decisionNote: { type: 'text', nullable: true },
    resolution: { type: 'text', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
