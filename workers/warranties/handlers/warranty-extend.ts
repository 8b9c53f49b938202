import { defineHandler } from '../../../shared/worker';
import { loadWarranty } from '../warranty-repository';
import { addMonths, assertExtensible, assertInForce, checkMonths } from '../warranty-rules';

/** Adds months to an active, unexpired warranty; not a status change (warranty.extended.v1). */
export const warrantyExtend = defineHandler({
  command: 'warranty.extend.v1',
  target: (cmd, ctx) => loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId),
  async handle(cmd, ctx) {
    checkMonths(cmd.months);
    const w = await loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId);
    assertInForce(w, new Date());
    const before = w.endsAt;
    const endsAt = addMonths(w.endsAt, cmd.months);
    assertExtensible(w, endsAt);
    w.endsAt = endsAt;
    ctx.emit('warranty.extended.v1', { warrantyId: w.id, months: cmd.months, endsAt: w.endsAt.toISOString() }, w);
    ctx.stateChanged('warranty', w.id, w.status, w.status, {
      change: 'extended',
      months: cmd.months,
      from: before.toISOString(),
      endsAt: w.endsAt.toISOString(),
    });
    return { type: 'warranty', id: w.id };
  },
});
