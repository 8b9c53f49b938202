import type { Deps } from '../../shared/container';
import { Warranty } from './entities';
import { OutboxWriter } from '../../shared/outbox';
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
      const outbox = new OutboxWriter(em, deps.topics);
      const env = { tenantId: w.tenantId, principal: SYSTEM, operationId: '00000000-0000-0000-0000-000000000000', requestId: `warranty-expiry-${id}` };
      transitionWarranty({
        emit: (type, payload) => outbox.event(type, payload, env),
        stateChanged: (resourceType, resourceId, from, to, details) => outbox.audit({
          ...env, operationId: null, action: `${resourceType}.state_changed`, outcome: 'success', resourceType, resourceId,
          details: { from, to, endsAt: w.endsAt.toISOString(), ...details },
        }),
      }, w, 'expired', null);
    }
    await em.flush();
    return due.length;
  });
}
