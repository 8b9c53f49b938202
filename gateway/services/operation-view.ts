import { isFinalStatus, type OperationRow } from '../../shared/orm';

const RESOURCE_PATHS: Record<string, string> = {
  order: '/v1/orders',
  inventory_item: '/v1/inventory/items',
  reservation: '/v1/inventory/reservations',
  return: '/v1/returns',
  shipment: '/v1/shipments',
  warranty: '/v1/warranties',
  warranty_claim: '/v1/warranty-claims',
};

export interface OperationView {
  id: string;
  type: string;
  status: OperationRow['status'];
  done: boolean;
  createdAt: string;
  updatedAt: string;
  resource?: { type: string; id: string; href: string };
  error?: Record<string, unknown>;
}

export function operationView(op: OperationRow): OperationView {
  const view: OperationView = {
    id: op.id,
    type: op.type,
    status: op.status,
    done: isFinalStatus(op.status),
    createdAt: op.createdAt.toISOString(),
    updatedAt: op.updatedAt.toISOString(),
  };
  if (op.resourceType && op.resourceId) {
    const base = RESOURCE_PATHS[op.resourceType] ?? `/v1/${op.resourceType}s`;
    view.resource = { type: op.resourceType, id: op.resourceId, href: `${base}/${op.resourceId}` };
  }
  if (op.error) view.error = op.error;
  return view;
}
