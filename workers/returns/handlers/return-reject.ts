import { defineHandler } from '../../../shared/worker';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnReject = defineHandler({
  command: 'return.reject.v1',
  target: (cmd, ctx) => loadReturn(ctx.em, ctx.tenantId, cmd.returnId),
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'rejected', cmd.reason);
    return { type: 'return', id: r.id };
  },
});
