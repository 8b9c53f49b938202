import { defineEventHandler } from '../../../shared/worker';
import { loadOrder, transitionOrder } from '../order-repository';

/**
 * shipment.delivered → the order becomes delivered, through legal transitions only:
 * - already delivered (another parcel of it arrived first): nothing to do;
 * - processing (nobody marked it shipped): processing → shipped → delivered, both recorded, since a
 *   delivered parcel proves the order shipped;
 * - shipped: shipped → delivered;
 * - anything else (e.g. cancelled): InvalidTransitionError, so the reaction is audited as not applied.
 */
export const onShipmentDelivered = defineEventHandler({
  event: 'shipment.delivered.v1',
  async handle(evt, ctx) {
    const order = await loadOrder(ctx.em, ctx.tenantId, evt.orderId);
    if (order.status === 'delivered') return;
    const reason = `shipment ${evt.shipmentId} delivered`;
    if (order.status === 'processing') transitionOrder(ctx, order, 'shipped', reason);
    transitionOrder(ctx, order, 'delivered', reason);
  },
});
