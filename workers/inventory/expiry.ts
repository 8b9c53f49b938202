import type { Deps } from '../../shared/container';
import { Reservation } from './entities';
import { OutboxWriter } from '../../shared/outbox';
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
      const outbox = new OutboxWriter(em, deps.topics);
      const env = { tenantId: r.tenantId, principal: SYSTEM, operationId: '00000000-0000-0000-0000-000000000000', requestId: `expiry-${id}` };
      await endReservation({
        em, tenantId: r.tenantId, operationId: null,
        emit: (type, payload) => outbox.event(type, payload, env),
        stateChanged: (resourceType, resourceId, from, to, details) => outbox.audit({
          ...env, operationId: null, action: `${resourceType}.state_changed`, outcome: 'success', resourceType, resourceId, details: { from, to, ...details },
        }),
      }, r, 'expired');
    }
    await em.flush();
    return due.length;
  });
}
