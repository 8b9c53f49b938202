import { defineHandler } from '../../../shared/worker';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnReceive = defineHandler({
  command: 'return.receive.v1',
  target: (cmd, ctx) => loadReturn(ctx.em, ctx.tenantId, cmd.returnId),
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'received');
    return { type: 'return', id: r.id };
  },
});
