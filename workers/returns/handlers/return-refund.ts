import { defineHandler } from '../../../shared/worker';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnRefund = defineHandler({
  command: 'return.refund.v1',
  target: (cmd, ctx) => loadReturn(ctx.em, ctx.tenantId, cmd.returnId),
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'refunded');
    return { type: 'return', id: r.id };
  },
});
