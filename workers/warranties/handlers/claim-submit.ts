import { defineHandler } from '../../../shared/worker';
import { WarrantyClaim, type WarrantyClaimRow } from '../entities';
import { ConflictError, InputError } from '../../../shared/errors';
import { isUuid } from '../../../shared/domain';
import { loadWarranty } from '../warranty-repository';
import { assertClaimable } from '../warranty-rules';

/** A new submitted claim on an active, unexpired warranty (locked, so a concurrent void waits). */
export const claimSubmit = defineHandler({
  command: 'warranty.claim.submit.v1',
  // The route's :id is the warranty: If-Match holds the claim to the warranty as the client saw it.
  target: (cmd, ctx) => loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId),
  async handle(cmd, ctx) {
    if (!isUuid(cmd.claimId)) throw new InputError(`claim id ${cmd.claimId} is not a UUID`);
    if (await ctx.em.findOne(WarrantyClaim, { id: cmd.claimId })) throw new ConflictError(`warranty claim ${cmd.claimId} already exists`);
    const w = await loadWarranty(ctx.em, ctx.tenantId, cmd.warrantyId);
    assertClaimable(w, new Date());
    const now = new Date();
    const claim = ctx.em.create(WarrantyClaim, {
      id: cmd.claimId,
      tenantId: ctx.tenantId,
      warrantyId: w.id,
      status: 'submitted',
      description: cmd.description,
      decisionNote: null,
      resolution: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies WarrantyClaimRow);
    ctx.emit('warranty.claim_status_changed.v1', { claimId: cmd.claimId, warrantyId: w.id, from: null, to: 'submitted', reason: null }, claim);
    ctx.stateChanged('warranty_claim', cmd.claimId, null, 'submitted', { warrantyId: w.id });
    return { type: 'warranty_claim', id: cmd.claimId };
  },
});
