import { defineHandler } from '../../../shared/worker';
import { loadShipment, transitionShipment } from '../shipment-repository';

export const shipmentInTransit = defineHandler({
  command: 'shipment.in_transit.v1',
  target: (cmd, ctx) => loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId),
  async handle(cmd, ctx) {
    const s = await loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId);
    transitionShipment(ctx, s, 'in_transit');
    return { type: 'shipment', id: s.id };
  },
});
