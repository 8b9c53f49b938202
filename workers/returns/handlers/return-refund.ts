import { defineHandler } from '../../../shared/worker';
import type { ReturnRefund } from '../../../schemas/generated';
import { loadReturn, transitionReturn } from '../return-repository';

export const returnRefund = defineHandler<ReturnRefund>({
  command: 'return.refund.v1',
  async handle(cmd, ctx) {
    const r = await loadReturn(ctx.em, ctx.tenantId, cmd.returnId);
    transitionReturn(ctx, r, 'refunded');
    return { type: 'return', id: r.id };
  },
});
