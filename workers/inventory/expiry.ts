import type { Deps } from '../../shared/container';
import { Reservation } from './entities';
import { applyToDue } from '../../shared/worker';
import { endReservation } from './stock';

/** Expires pending reservations past their TTL, a batch per transaction; safe on several workers. */
export async function expireReservations(deps: Deps, now = new Date(), batch = 100): Promise<number> {
  return applyToDue(
    deps,
    {
      entity: Reservation,
      select: `select id from reservations where status = 'pending' and expires_at <= ? order by expires_at limit ? for update skip locked`,
      params: [now],
      principal: 'system:reservation-expiry',
      requestId: (id) => `expiry-${id}`,
    },
    batch,
    async (ctx, r) => {
      // No command moved this stock: its movement rows name no operation.
      await endReservation({ ...ctx, operationId: null }, r, 'expired');
    },
  );
}
