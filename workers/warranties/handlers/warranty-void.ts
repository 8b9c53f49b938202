import { defineHandler } from '../../../shared/worker';
import { loadWarranty, transitionWarranty } from '../warranty-repository';

export const warrantyVoid = defineHandler({
  command: 'warranty.void.v1',
  target: (cmd, ctx) => loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId),
  async handle(cmd, ctx) {
    const w = await loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId);
    transitionWarranty(ctx, w, 'void', cmd.reason);
    return { type: 'warranty', id: w.id };
  },
});
