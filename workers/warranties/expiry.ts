import type { Deps } from '../../shared/container';
import { Warranty } from './entities';
import { applyToDue } from '../../shared/worker';
import { transitionWarranty } from './warranty-repository';

/** Moves active warranties whose period has ended to expired, a batch per transaction; safe on several workers. */
export async function expireWarranties(deps: Deps, now = new Date(), batch = 100): Promise<number> {
  return applyToDue(
    deps,
    {
      entity: Warranty,
      select: `select id from warranties where status = 'active' and ends_at <= ? order by ends_at limit ? for update skip locked`,
      params: [now],
      principal: 'system:warranty-expiry',
      requestId: (id) => `warranty-expiry-${id}`,
      auditDetails: (w) => ({ endsAt: w.endsAt.toISOString() }),
    },
    batch,
    (ctx, w) => transitionWarranty(ctx, w, 'expired', null),
  );
}
