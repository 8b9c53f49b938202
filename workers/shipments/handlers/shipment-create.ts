import { defineHandler } from '../../../shared/worker';
import { PublishedOrder } from '../../orders/entities';
import { Shipment, type ShipmentRow } from '../entities';
import { BusinessRuleError, ConflictError, InputError, NotFoundError } from '../../../shared/errors';
import { isUuid } from '../../../shared/domain';
import { SHIPPABLE_ORDER_STATES, shipmentLines } from '../shipment-lines';

/** shipment.create.v1 → a created shipment for an order of the same tenant. */
export const shipmentCreate = defineHandler({
  command: 'shipment.create.v1',
  async handle(cmd, ctx) {
    if (!isUuid(cmd.shipmentId)) throw new InputError(`shipment id ${cmd.shipmentId} is not a UUID`);
    if (await ctx.em.findOne(Shipment, { id: cmd.shipmentId })) throw new ConflictError(`shipment ${cmd.shipmentId} already exists`);
    // The order as the orders domain publishes it (see PublishedOrder).
    const order = isUuid(cmd.orderId) ? await ctx.em.findOne(PublishedOrder, { id: cmd.orderId, tenantId: ctx.tenantId }) : null;
    if (!order) throw new NotFoundError(`order ${cmd.orderId} not found`);
    if (!SHIPPABLE_ORDER_STATES.includes(order.status)) {
      throw new BusinessRuleError(
        `a shipment needs an order that is ${SHIPPABLE_ORDER_STATES.join(', ')}; order ${order.id} is ${order.status}`,
        'order_not_shippable',
      );
    }
    const lines = shipmentLines(order.items, cmd.lines);
    const now = new Date();
    const shipment = ctx.em.create(Shipment, {
      id: cmd.shipmentId,
      tenantId: ctx.tenantId,
      orderId: order.id,
      status: 'created',
      carrier: cmd.carrier ?? null,
      trackingNumber: null,
      lines,
      exceptionReason: null,
      shippedAt: null,
      deliveredAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies ShipmentRow);
    ctx.emit('shipment.created.v1', { shipmentId: cmd.shipmentId, orderId: order.id, carrier: cmd.carrier ?? null, lines }, shipment);
    ctx.stateChanged('shipment', cmd.shipmentId, null, 'created', { orderId: order.id });
    return { type: 'shipment', id: cmd.shipmentId };
  },
});
