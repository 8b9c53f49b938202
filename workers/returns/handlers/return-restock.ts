import { defineHandler } from '../../../shared/worker';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnRestock = defineHandler({
  command: 'return.restock.v1',
  target: (cmd, ctx) => loadReturn(ctx.em, ctx.tenantId, cmd.returnId),
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'restocked');
    return { type: 'return', id: r.id };
  },
});
