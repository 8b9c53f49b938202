import type { EntityName } from '@mikro-orm/core';
import type { Deps } from '../container';
import { OutboxWriter } from '../outbox';
import { systemContext } from './context';
import type { HandlerContext } from './handler';

/** The rows a timer acts on, and who it acts as. */
export interface DueRows<Row> {
  entity: EntityName<Row>;
  /** `select id from … where … order by … limit ? for update skip locked`; `params` fill all but the limit. */
  select: string;
  params: unknown[];
  principal: string;
  requestId(id: string): string;
  /** What every state-change audit record of a row says beside the change itself. */
  auditDetails?(row: Row): Record<string, unknown>;
}

/**
 * One batch of due rows in one transaction, each handed to `apply` with a system context. The ids
 * are selected FOR UPDATE SKIP LOCKED with em.execute, which runs in this transaction, so the rows
 * stay locked until commit and several workers running the same timer never take the same row.
 * Returns how many rows were due.
 */
export async function applyToDue<Row extends { id: string; tenantId: string }>(
  deps: Deps,
  due: DueRows<Row>,
  batch: number,
  apply: (ctx: HandlerContext, row: Row) => Promise<void> | void,
): Promise<number> {
  return deps.orm.em.fork().transactional(async (em) => {
    const outboxEm = em.fork({ clear: true, keepTransactionContext: true });
    const outbox = new OutboxWriter(outboxEm, deps.topics);
    const ids = await em.execute<{ id: string }[]>(due.select, [...due.params, batch]);
    for (const { id } of ids) {
      const row = (await em.findOneOrFail(due.entity, { id } as never)) as Row;
      const ctx = systemContext(deps, em, outbox, { principal: due.principal, tenantId: row.tenantId, requestId: due.requestId(id) }, due.auditDetails?.(row));
      await apply(ctx, row);
    }
    await em.flush();
    outbox.settleVersions();
    await outboxEm.flush();
    return ids.length;
  });
}
