import { defineHandler } from '../../../shared/worker';
import { BusinessRuleError } from '../../../shared/errors';
import { loadClaim, loadWarranty, transitionClaim } from '../warranty-repository';
import { claimStates } from '../warranty-states';

/**
 * submitted → approved. A claim submitted while the warranty was in force may be approved after it
 * lapsed, but not once the warranty was voided.
 */
export const claimApprove = defineHandler({
  command: 'warranty.claim.approve.v1',
  target: (cmd, ctx) => loadClaim(ctx.em, ctx.tenantId, cmd.claimId),
  async handle(cmd, ctx) {
    const c = await loadClaim(ctx.em, ctx.tenantId, cmd.claimId);
    claimStates.assert(c.status, 'approved');
    const w = await loadWarranty(ctx.em, ctx.tenantId, c.warrantyId);
    if (w.status === 'void') throw new BusinessRuleError(`warranty ${w.id} was voided`, 'warranty_void');
    transitionClaim(ctx, c, 'approved', cmd.note ?? null);
    return { type: 'warranty_claim', id: c.id };
  },
});
