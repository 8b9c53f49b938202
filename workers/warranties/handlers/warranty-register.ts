import { defineHandler } from '../../../shared/worker';
import { PublishedOrder } from '../../orders/entities';
import { Warranty, type WarrantyRow } from '../entities';
import { BusinessRuleError, ConflictError, InputError, NotFoundError } from '../../../shared/errors';
import { isUuid } from '../../../shared/domain';
import { addMonths, checkMonths, hasLapsed } from '../warranty-rules';

/** warranty.register.v1 → an active warranty covering [startsAt, startsAt + months). */
export const warrantyRegister = defineHandler({
  command: 'warranty.register.v1',
  async handle(cmd, ctx) {
    if (!isUuid(cmd.warrantyId)) throw new InputError(`warranty id ${cmd.warrantyId} is not a UUID`);
    checkMonths(cmd.months);
    const now = new Date();
    const startsAt = cmd.startsAt ? new Date(cmd.startsAt) : now;
    if (Number.isNaN(startsAt.getTime())) throw new InputError(`startsAt ${cmd.startsAt} is not a date`, [{ path: 'startsAt', message: 'ISO 8601 instant' }]);
    if (await ctx.em.findOne(Warranty, { id: cmd.warrantyId })) throw new ConflictError(`warranty ${cmd.warrantyId} already exists`);
    if (cmd.orderId != null) {
      // The order as the orders domain publishes it (see PublishedOrder).
      const order = isUuid(cmd.orderId) ? await ctx.em.findOne(PublishedOrder, { id: cmd.orderId, tenantId: ctx.tenantId }) : null;
      if (!order) throw new NotFoundError(`order ${cmd.orderId} not found`);
      if (!order.items.some((i) => i.sku === cmd.sku)) {
        throw new BusinessRuleError(`${cmd.sku} is not a line of order ${order.id}`, 'warranty_sku_not_in_order');
      }
    }
    const endsAt = addMonths(startsAt, cmd.months);
    if (hasLapsed({ endsAt }, now)) {
      throw new BusinessRuleError(`a warranty that ended at ${endsAt.toISOString()} cannot be registered`, 'warranty_period_over');
    }
    const warranty = ctx.em.create(Warranty, {
      id: cmd.warrantyId,
      tenantId: ctx.tenantId,
      customerId: cmd.customerId,
      sku: cmd.sku,
      orderId: cmd.orderId ?? null,
      serialNumber: cmd.serialNumber ?? null,
      status: 'active',
      startsAt,
      endsAt,
      voidReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies WarrantyRow);
    ctx.emit(
      'warranty.registered.v1',
      {
        warrantyId: cmd.warrantyId,
        customerId: cmd.customerId,
        sku: cmd.sku,
        orderId: cmd.orderId ?? null,
        serialNumber: cmd.serialNumber ?? null,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
      },
      warranty,
    );
    ctx.stateChanged('warranty', cmd.warrantyId, null, 'active', { sku: cmd.sku, endsAt: endsAt.toISOString() });
    return { type: 'warranty', id: cmd.warrantyId };
  },
});
