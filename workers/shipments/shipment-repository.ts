import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Shipment, type ShipmentRow, type ShipmentStatus } from './entities';
import { NotFoundError } from '../../shared/errors';
import { isUuid } from '../../shared/domain';
import type { HandlerContext } from '../../shared/worker';
import { shipmentStates } from './shipment-states';

/** The tenant's shipment, locked for this transaction, or NotFoundError (another tenant's looks missing). */
export async function loadShipment(em: EntityManager, tenantId: string, id: string): Promise<ShipmentRow> {
  const s = isUuid(id) ? await em.findOne(Shipment, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!s) throw new NotFoundError(`shipment ${id} not found`);
  return s;
}

/** Applies a state-machine transition with its events and audit record. */
export function transitionShipment(
  ctx: Pick<HandlerContext, 'emit' | 'stateChanged'>,
  s: ShipmentRow,
  to: ShipmentStatus,
  change: { carrier?: string; trackingNumber?: string; reason?: string } = {},
  now = new Date(),
): void {
  const from = s.status;
  shipmentStates.assert(from, to);
  s.status = to;
  if (to === 'shipped') {
    s.carrier = change.carrier ?? s.carrier;
    s.trackingNumber = change.trackingNumber ?? s.trackingNumber;
    s.shippedAt = now;
  }
  if (to === 'delivered') s.deliveredAt = now;
  if (to === 'exception') s.exceptionReason = change.reason ?? null;
  const reason = change.reason ?? null;
  ctx.emit(
    'shipment.status_changed.v1',
    {
      shipmentId: s.id,
      orderId: s.orderId,
      from,
      to,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      reason,
    },
    s,
  );
  if (to === 'delivered') ctx.emit('shipment.delivered.v1', { shipmentId: s.id, orderId: s.orderId }, s);
  ctx.stateChanged('shipment', s.id, from, to, {
    orderId: s.orderId,
    ...(to === 'shipped' ? { carrier: s.carrier, trackingNumber: s.trackingNumber } : {}),
    ...(reason ? { reason } : {}),
  });
}
