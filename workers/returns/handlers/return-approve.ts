import { defineHandler } from '../../../shared/worker';
import type { ReturnApprove } from '../../../schemas/generated';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnApprove = defineHandler<ReturnApprove>({
  command: 'return.approve.v1',
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'approved');
    return { type: 'return', id: r.id };
  },
});
