import type { Deps } from '../../shared/container';
import { Warranty } from './entities';
import { systemContext } from '../../shared/worker';
import { transitionWarranty } from './warranty-repository';

const SYSTEM = 'system:warranty-expiry';

/** Moves active warranties whose period has ended to expired, a batch per transaction; safe on several workers. */
export async function expireWarranties(deps: Deps, now = new Date(), batch = 100): Promise<number> {
  return deps.orm.em.fork().transactional(async (em) => {
    // em.execute runs in this transaction's context, so FOR UPDATE SKIP LOCKED holds the rows until commit.
    const due = await em.execute<{ id: string }[]>(
      `select id from warranties where status = 'active' and ends_at <= ? order by ends_at limit ? for update skip locked`,
      [now, batch],
    );
    for (const { id } of due) {
      const w = await em.findOneOrFail(Warranty, { id });
      const ctx = systemContext(deps, em, { principal: SYSTEM, tenantId: w.tenantId, requestId: `warranty-expiry-${id}` }, { endsAt: w.endsAt.toISOString() });
      transitionWarranty(ctx, w, 'expired', null);
    }
    await em.flush();
    return due.length;
  });
}
