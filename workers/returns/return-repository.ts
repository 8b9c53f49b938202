import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Return, type ReturnRow, type ReturnStatus } from './entities';
import { NotFoundError } from '../../shared/errors';
import { isUuid } from '../../shared/domain';
import type { HandlerContext } from '../../shared/worker';
import { returnStates } from './return-states';

/** The tenant's return, locked for this transaction, or NotFoundError (another tenant's looks missing). */
export async function loadReturn(em: EntityManager, tenantId: string, id: string): Promise<ReturnRow> {
  const r = isUuid(id) ? await em.findOne(Return, { id, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!r) throw new NotFoundError(`return ${id} not found`);
  return r;
}

/** Applies a state-machine transition with its events and audit record. */
export function transitionReturn(ctx: Pick<HandlerContext, 'emit' | 'stateChanged'>, r: ReturnRow, to: ReturnStatus, reason: string | null = null): void {
  const from = r.status;
  returnStates.assert(from, to);
  r.status = to;
  if (to === 'rejected') r.rejectionReason = reason;
  ctx.emit('return.status_changed.v1', { returnId: r.id, orderId: r.orderId, from, to, reason });
  if (to === 'restocked') {
    ctx.emit('return.restocked.v1', { returnId: r.id, orderId: r.orderId, lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
  }
  ctx.stateChanged('return', r.id, from, to, { orderId: r.orderId, ...(reason ? { reason } : {}) });
}
