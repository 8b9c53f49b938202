import { defineEventHandler } from '../../../shared/worker';
import { InputError } from '../../../shared/errors';
import type { RestockOutcome } from '../entities';
import { loadReturn } from '../return-repository';

const SETTLED: readonly RestockOutcome[] = ['applied', 'refused'];

/**
 * inventory.restock_settled → the return shows what became of its restock (GET /v1/returns/{id}:
 * restockOutcome, restockRefusalReason) and says so on its own topic, so that whoever follows
 * returns (refunds, notifications) learns of a refusal without reading inventory's events. The
 * status stays `restocked`: the goods are back and the return may still be refunded; what inventory
 * refused is the stock adjustment, which a person settles.
 */
export const onRestockSettled = defineEventHandler({
  event: 'inventory.restock_settled.v1',
  async handle(evt, ctx) {
    const outcome = evt.outcome as RestockOutcome;
    if (!SETTLED.includes(outcome)) throw new InputError(`unknown restock outcome ${evt.outcome}`);
    const r = await loadReturn(ctx.em, ctx.tenantId, evt.returnId);
    r.restockOutcome = outcome;
    r.restockRefusalReason = outcome === 'refused' ? (evt.reason ?? 'refused by inventory') : null;
    ctx.emit('return.restock_settled.v1', { returnId: r.id, orderId: r.orderId, outcome, reason: r.restockRefusalReason }, r);
    ctx.stateChanged('return', r.id, r.status, r.status, {
      restockOutcome: outcome,
      ...(r.restockRefusalReason ? { reason: r.restockRefusalReason } : {}),
    });
  },
});
