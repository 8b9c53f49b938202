import { defineHandler } from '../../../shared/worker';
import { loadShipment, transitionShipment } from '../shipment-repository';

export const shipmentShip = defineHandler({
  command: 'shipment.ship.v1',
  target: (cmd, ctx) => loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId),
  async handle(cmd, ctx) {
    const s = await loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId);
    transitionShipment(ctx, s, 'shipped', { carrier: cmd.carrier, trackingNumber: cmd.trackingNumber });
    return { type: 'shipment', id: s.id };
  },
});
