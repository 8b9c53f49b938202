import { defineHandler } from '../../../shared/worker';
import { loadClaim, transitionClaim } from '../warranty-repository';

export const claimReject = defineHandler({
  command: 'warranty.claim.reject.v1',
  target: (cmd, ctx) => loadClaim(ctx.em, ctx.tenantId, cmd.claimId),
  async handle(cmd, ctx) {
    const c = await loadClaim(ctx.em, ctx.tenantId, cmd.claimId);
    transitionClaim(ctx, c, 'rejected', cmd.reason);
    return { type: 'warranty_claim', id: c.id };
  },
});
