import type { Deps } from '../../shared/container';
import { Reservation } from './entities';
import { systemContext } from '../../shared/worker';
import { endReservation } from './stock';

const SYSTEM = 'system:reservation-expiry';

/** Expires pending reservations past their TTL, a batch per transaction; safe on several workers. */
export async function expireReservations(deps: Deps, now = new Date(), batch = 100): Promise<number> {
  return deps.orm.em.fork().transactional(async (em) => {
    // em.execute runs in this transaction's context, so FOR UPDATE SKIP LOCKED holds the rows until commit.
    const due = await em.execute<{ id: string }[]>(
      `select id from reservations where status = 'pending' and expires_at <= ? order by expires_at limit ? for update skip locked`,
      [now, batch],
    );
    for (const { id } of due) {
      const r = await em.findOneOrFail(Reservation, { id });
      const ctx = systemContext(deps, em, { principal: SYSTEM, tenantId: r.tenantId, requestId: `expiry-${id}` });
      // No command moved this stock: its movement rows name no operation.
      await endReservation({ ...ctx, operationId: null }, r, 'expired');
    }
    await em.flush();
    return due.length;
  });
}
