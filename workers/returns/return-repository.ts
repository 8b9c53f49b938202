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

/**
 * Serializes, until commit, the returns of one order: two requests for it handled on different
 * partitions (returns are keyed by return id) could otherwise both see the quantity free and both
 * claim it. A returns-owned advisory lock keyed by the order, since the order row is not ours to
 * lock and the first return has no row of its own to lock yet. The schema is part of the key so
 * that test schemas sharing a database never wait on each other.
 */
export async function lockReturnsOfOrder(em: EntityManager, tenantId: string, orderId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(current_schema() || ':returns-of-order:' || ? || ':' || ?, 0))`, [tenantId, orderId]);
}

/** Applies a state-machine transition with its events and audit record. */
export function transitionReturn(ctx: Pick<HandlerContext, 'emit' | 'stateChanged'>, r: ReturnRow, to: ReturnStatus, reason: string | null = null): void {
  const from = r.status;
  returnStates.assert(from, to);
  r.status = to;
  if (to === 'rejected') r.rejectionReason = reason;
  ctx.emit('return.status_changed.v1', { returnId: r.id, orderId: r.orderId, from, to, reason }, r);
  if (to === 'restocked') {
    r.restockOutcome = 'pending';
    ctx.emit(
      'return.restocked.v1',
      {
        returnId: r.id,
        orderId: r.orderId,
        lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      },
      r,
    );
  }
  ctx.stateChanged('return', r.id, from, to, { orderId: r.orderId, ...(reason ? { reason } : {}) });
}
