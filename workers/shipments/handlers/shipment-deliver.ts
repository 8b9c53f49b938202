import { defineHandler } from '../../../shared/worker';
import { loadShipment, transitionShipment } from '../shipment-repository';

/** in_transit → delivered; emits shipment.delivered.v1, on which the orders worker delivers the order. */
export const shipmentDeliver = defineHandler({
  command: 'shipment.deliver.v1',
  target: (cmd, ctx) => loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId),
  async handle(cmd, ctx) {
    const s = await loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId);
    transitionShipment(ctx, s, 'delivered');
    return { type: 'shipment', id: s.id };
  },
});
