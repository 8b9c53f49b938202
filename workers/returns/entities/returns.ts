import { EntitySchema } from '@mikro-orm/core';

export type ReturnStatus = 'requested' | 'approved' | 'rejected' | 'received' | 'restocked' | 'refunded';
export interface ReturnLineValue {
  sku: string;
  quantity: number;
}
/** What inventory did with a restocked return's lines: asked (no answer yet), applied, or refused. */
export type RestockOutcome = 'pending' | 'applied' | 'refused';

export interface ReturnRow {
  id: string;
  tenantId: string;
  orderId: string;
  status: ReturnStatus;
  lines: ReturnLineValue[];
  reason: string;
  /** Why it was rejected; null otherwise. */
  rejectionReason: string | null;
  /** Null until the return is restocked. */
  restockOutcome: RestockOutcome | null;
  /** Why inventory refused the restock; null otherwise. */
  restockRefusalReason: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const Return = new EntitySchema<ReturnRow>({
  name: 'Return',
  tableName: 'returns',
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'string' },
    orderId: { type: 'uuid' },
    status: { type: 'string' },
    lines: { type: 'json' },
    reason: { type: 'text' },
    rejectionReason: { type: 'text', nullable: true },
    restockOutcome: { type: 'string', nullable: true },
    restockRefusalReason: { type: 'text', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
