import { defineHandler } from '../../../shared/worker';
import { loadShipment, transitionShipment } from '../shipment-repository';

export const shipmentException = defineHandler({
  command: 'shipment.exception.v1',
  target: (cmd, ctx) => loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId),
  async handle(cmd, ctx) {
    const s = await loadShipment(ctx.em, ctx.tenantId, cmd.shipmentId);
    transitionShipment(ctx, s, 'exception', { reason: cmd.reason });
    return { type: 'shipment', id: s.id };
  },
});
