import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Warranty, WarrantyClaim, type WarrantyClaimRow, type WarrantyClaimStatus, type WarrantyRow, type WarrantyStatus } from './entities';
import { NotFoundError } from '../../shared/errors';
import { isUuid } from '../../shared/domain';
import type { HandlerContext } from '../../shared/worker';
import { claimStates, warrantyStates } from './warranty-states';

type Effects = Pick<HandlerContext, 'emit' | 'stateChanged'>;

/** The tenant's warranty, locked for this transaction, or NotFoundError (another tenant's looks missing). */
export async function loadWarranty(em: EntityManager, tenantId: string, id: string): Promise<WarrantyRow> {
  const w = isUuid(id) ? await em.findOne(Warranty, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!w) throw new NotFoundError(`warranty ${id} not found`);
  return w;
}

export async function loadClaim(em: EntityManager, tenantId: string, id: string): Promise<WarrantyClaimRow> {
  const c = isUuid(id) ? await em.findOne(WarrantyClaim, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!c) throw new NotFoundError(`warranty claim ${id} not found`);
  return c;
}

export function transitionWarranty(ctx: Effects, w: WarrantyRow, to: Exclude<WarrantyStatus, 'active'>, reason: string | null): void {
  const from = w.status;
  warrantyStates.assert(from, to);
  w.status = to;
  if (to === 'void') w.voidReason = reason;
  ctx.emit('warranty.status_changed.v1', { warrantyId: w.id, from, to, reason }, w);
  ctx.stateChanged('warranty', w.id, from, to, reason ? { reason } : undefined);
}

export function transitionClaim(ctx: Effects, c: WarrantyClaimRow, to: Exclude<WarrantyClaimStatus, 'submitted'>, note: string | null): void {
  const from = c.status;
  claimStates.assert(from, to);
  c.status = to;
  if (to === 'resolved') c.resolution = note;
  else c.decisionNote = note;
  ctx.emit('warranty.claim_status_changed.v1', { claimId: c.id, warrantyId: c.warrantyId, from, to, reason: note }, c);
  ctx.stateChanged('warranty_claim', c.id, from, to, { warrantyId: c.warrantyId, ...(note ? { note } : {}) });
}
