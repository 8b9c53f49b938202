import { defineHandler } from '../../../shared/worker';
import { loadClaim, transitionClaim } from '../warranty-repository';

/** approved | rejected → resolved. */
export const claimResolve = defineHandler({
  command: 'warranty.claim.resolve.v1',
  target: (cmd, ctx) => loadClaim(ctx.em, ctx.tenantId, cmd.claimId),
  async handle(cmd, ctx) {
    const c = await loadClaim(ctx.em, ctx.tenantId, cmd.claimId);
    transitionClaim(ctx, c, 'resolved', cmd.resolution ?? null);
    return { type: 'warranty_claim', id: c.id };
  },
});
