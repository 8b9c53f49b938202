import type { KafkaMessage } from 'kafkajs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { Inbox, Operation, type OperationRow } from '../orm';
import { OutboxWriter } from '../outbox';
import { problemFor, problemWith, StatesetError } from '../errors';
import type { CommandHandler, EventHandler } from './handler';
import { buildContext } from './context';
import { checkExpectedVersion } from './precondition';
import type { Envelope } from './envelope';

/** A consumed message ready to apply (envelope read, handler found, payload decoded), or one to pass over. */
export type Item =
  | { kind: 'command'; message: KafkaMessage; env: Envelope; handler: CommandHandler<never>; payload: Record<string, unknown> }
  | { kind: 'event'; message: KafkaMessage; env: Envelope; handler: EventHandler<never>; payload: Record<string, unknown> }
  /** An event type this domain does not react to: nothing to do, not even an inbox row. */
  | { kind: 'skip'; message: KafkaMessage };

export type Applicable = Exclude<Item, { kind: 'skip' }>;
/** `cancelled`: a command whose operation was cancelled before it was applied (claimed, audited, nothing else). */
export type Outcome = 'succeeded' | 'failed' | 'duplicate' | 'skipped' | 'cancelled';

/**
 * An operation was cancelled between this transaction's lock of the batch's operation rows and its
 * upsert of them (only possible when the row did not exist yet at the lock: the gateway inserted
 * it, and a client cancelled it, meanwhile). The transaction is rolled back and the messages are
 * applied again, one by one; the lock then finds the row cancelled and the command is skipped.
 */
export class OperationCancelledMeanwhileError extends StatesetError {
  constructor(count: number) {
    super(`${count} operation(s) of the batch were cancelled while it was applied; applying again`, { retriable: true });
  }
}

/** The handler of `items[index]` (or the flush of its changes) threw `error`; the transaction was rolled back. */
export class ItemFailedError extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(`message ${index} of the batch failed: ${error instanceof Error ? error.message : String(error)}`);
    this.name = 'ItemFailedError';
  }
}

/**
 * Applies `items` in ONE transaction: one multi-row inbox claim for the batch (a message already in
 * the inbox, or a second copy within the batch, is a duplicate and changes nothing), each handler
 * in order, one multi-row upsert of the operation rows, one multi-row insert of the outbox rows,
 * commit. Statements for N new commands: BEGIN, 1 claim, 1 lock of the operation rows, the
 * handlers' own, 1 upsert, ⌈outbox rows / 300⌉ inserts (and as many of the events feed), COMMIT.
 *
 * Cancellation (POST /v1/operations/{id}/cancel moves `accepted` → `cancelled` with one
 * conditional UPDATE): the batch's operation rows are locked FOR UPDATE before any handler runs, so
 * a cancel either committed before (the command is skipped: inbox claimed, a
 * `command.skipped_cancelled` audit record, no effect, no event) or waits for this commit and then
 * finds the operation final (409). A row that does not exist yet cannot be locked; the upsert never
 * overwrites `cancelled`, and a cancel that slipped in that way rolls the batch back
 * (OperationCancelledMeanwhileError) to be applied again and skipped.
 *
 * The handlers' unit of work is flushed after each message and then cleared: a handler may read
 * what an earlier one in the batch changed with a refreshing or raw query (stock rows locked with
 * `refresh: true`), which MikroORM's auto-flush does not cover, so each handler sees exactly the
 * state it would see one transaction per message. Clearing keeps every flush as cheap as the first.
 * The outbox rows wait in a second unit of work bound to the same transaction, flushed once.
 *
 * A handler failure throws ItemFailedError naming the message; any other failure (claim, upsert,
 * outbox, commit) is thrown as is and cannot be pinned on one message.
 */
export async function applyItems(deps: Deps, consumer: Domain, items: Applicable[], heartbeat: () => Promise<void>): Promise<Outcome[]> {
  return deps.orm.em.fork().transactional(async (tx) => {
    const outboxEm = tx.fork({ clear: true, keepTransactionContext: true });
    const outbox = new OutboxWriter(outboxEm, deps.topics);
    const claimed = await claimInbox(
      tx,
      consumer,
      items.map((i) => i.env),
    );
    const cancelled = await lockOperations(
      tx,
      items.filter((i) => i.kind === 'command' && claimed.has(i.env.messageId)).map((i) => i.env.operationId),
    );
    const operations: OperationRow[] = [];
    const outcomes: Outcome[] = [];
    for (const [index, item] of items.entries()) {
      // delete: a second copy of the same message later in this batch finds it gone
      if (!claimed.delete(item.env.messageId)) {
        outcomes.push('duplicate');
        continue;
      }
      if (item.kind === 'command' && cancelled.has(item.env.operationId)) {
        auditSkipped(outbox, item.env);
        outcomes.push('cancelled');
        continue;
      }
      try {
        const ctx = buildContext(deps, tx, outbox, envelopeOfAudit(item.env), { commandType: item.env.commandType });
        if (item.kind === 'command') {
          await checkExpectedVersion(item.handler, item.payload as never, ctx, item.env.expectedVersion);
          const resource = await item.handler.handle(item.payload as never, ctx);
          operations.push(operationRow(item.env, { status: 'succeeded', resourceType: resource.type, resourceId: resource.id }));
          outbox.audit({
            ...envelopeOfAudit(item.env),
            action: 'command.succeeded',
            outcome: 'success',
            resourceType: resource.type,
            resourceId: resource.id,
            details: { commandType: item.env.commandType },
          });
        } else {
          await item.handler.handle(item.payload as never, ctx);
        }
        await tx.flush();
        outbox.settleVersions();
        tx.clear();
      } catch (err) {
        throw new ItemFailedError(index, err);
      }
      outcomes.push('succeeded');
      if (items.length > 1) await heartbeat();
    }
    await upsertOperations(tx, operations);
    await outboxEm.flush();
    return outcomes;
  });
}

/** One message in a transaction of its own; its failure is the handler's error itself. */
export async function applyOne(deps: Deps, consumer: Domain, item: Applicable): Promise<Outcome[]> {
  try {
    return await applyItems(deps, consumer, [item], async () => undefined);
  } catch (err) {
    throw err instanceof ItemFailedError ? err.error : err;
  }
}

/**
 * Records a message that a domain rule refused, in a transaction of its own (its handler's was
 * rolled back): claimed in the inbox, a command's operation `failed` with the problem, an audit
 * record either way.
 */
export async function recordFailure(deps: Deps, consumer: Domain, item: Applicable, err: unknown): Promise<Outcome> {
  const { env } = item;
  return deps.orm.em.fork().transactional(async (tx) => {
    if ((await claimInbox(tx, consumer, [env])).size === 0) return 'duplicate';
    const outbox = new OutboxWriter(tx, deps.topics);
    if (item.kind === 'command' && (await lockOperations(tx, [env.operationId])).size > 0) {
      auditSkipped(outbox, env);
      await tx.flush();
      return 'cancelled';
    }
    if (item.kind === 'command') {
      const problem = { ...problemFor(err), instance: `/v1/operations/${env.operationId}` };
      await upsertOperations(tx, [operationRow(env, { status: 'failed', error: problem })]);
      outbox.audit({
        ...envelopeOfAudit(env),
        action: 'command.failed',
        outcome: 'failure',
        details: { commandType: env.commandType, reason: (err as StatesetError).name, detail: problem.detail },
      });
    } else {
      outbox.audit({
        ...envelopeOfAudit(env),
        action: 'event.not_applied',
        outcome: 'failure',
        details: { eventType: env.commandType, consumer, reason: err instanceof Error ? err.message : String(err) },
      });
    }
    await tx.flush();
    return 'failed';
  });
}

/**
 * A dead-lettered command's operation must not stay `accepted` for ever: it ends `failed` with a
 * problem saying the command was set aside, plus a `command.dead_lettered` audit record. The inbox is
 * not claimed, so an operator who replays the DLQ message applies it as any other delivery (and its
 * operation then ends as that delivery decides). A message without a readable envelope has no
 * operation to finish.
 */
export async function failDeadLettered(deps: Deps, env: Envelope | null, reason: string): Promise<void> {
  if (!env || env.kind !== 'command') return;
  const problem = {
    ...problemWith(
      500,
      'dead-lettered',
      'Command not applied',
      'the command could not be applied and was set aside for an operator (dead-lettered); nothing of it took effect',
    ),
    instance: `/v1/operations/${env.operationId}`,
  };
  await deps.orm.em.fork().transactional(async (tx) => {
    // One statement, never over an outcome already reached (a redelivered, applied command dead-lettered).
    await tx.getConnection().execute(
      `insert into operations (id, tenant_id, type, status, principal, request_id, error, created_at, updated_at)
       values (?, ?, ?, 'failed', ?, ?, ?, ?, now())
       on conflict (id) do update set status = 'failed', error = excluded.error, updated_at = now()
       where operations.status not in ('succeeded', 'failed', 'cancelled')`,
      [env.operationId, env.tenantId, env.commandType, env.principal, env.requestId, JSON.stringify(problem), env.occurredAt],
      'run',
      tx.getTransactionContext(),
    );
    new OutboxWriter(tx, deps.topics).audit({
      ...envelopeOfAudit(env),
      action: 'command.dead_lettered',
      outcome: 'failure',
      details: { commandType: env.commandType, reason },
    });
    await tx.flush();
  });
}

/** The audit trail of a refused forged command: nothing of what it claims is trusted or touched. */
export async function recordForged(
  deps: Deps,
  at: { topic: string; partition: number; offset: string; claimed: Record<string, string>; reason: string },
): Promise<void> {
  await deps.orm.em.fork().transactional(async (tx) => {
    const { 'command-signature': _signature, ...claimed } = at.claimed;
    new OutboxWriter(tx, deps.topics).audit({
      action: 'command.forged',
      outcome: 'denied',
      details: { topic: at.topic, partition: at.partition, offset: at.offset, reason: at.reason, claimedHeaders: claimed },
    });
    await tx.flush();
  });
}

/**
 * Claims the messages in the inbox with one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING,
 * built from the transactional EntityManager, so it runs in (and rolls back with) its transaction.
 * Returns the ids this transaction claimed; the others were applied before.
 */
export async function claimInbox(tx: EntityManager, consumer: Domain, envs: Envelope[]): Promise<Set<string>> {
  const unique = new Map(envs.map((e) => [e.messageId, e] as const));
  if (unique.size === 0) return new Set();
  const processedAt = new Date();
  const rows = await tx
    .createQueryBuilder(Inbox)
    .insert([...unique.values()].map((e) => ({ consumer, messageId: e.messageId, messageType: e.commandType, processedAt })))
    .onConflict(['consumer', 'messageId'])
    .ignore()
    .returning(['messageId'])
    .execute<{ messageId: string }[]>('all');
  return new Set(rows.map((r) => r.messageId));
}

/**
 * Locks the operation rows of these commands (FOR UPDATE, in the caller's transaction) and returns
 * the ids of those already cancelled. Rows the gateway has not inserted yet are not there to lock:
 * see upsertOperations.
 */
export async function lockOperations(tx: EntityManager, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.execute<{ id: string; status: string }[]>(`select id, status from operations where id in (?) for update`, [ids]);
  return new Set(rows.filter((r) => r.status === 'cancelled').map((r) => r.id));
}

/**
 * Upserts operation rows with one multi-row statement per shape (rows with a resource also set it;
 * a failure keeps whatever resource the row had). Ids must be unique, which the inbox guarantees.
 * A `cancelled` row is never overwritten; finding one (cancelled after lockOperations looked)
 * throws OperationCancelledMeanwhileError, so the transaction's effects are rolled back.
 */
export async function upsertOperations(tx: EntityManager, rows: OperationRow[]): Promise<void> {
  const withResource = rows.filter((r) => r.resourceId);
  const without = rows.filter((r) => !r.resourceId);
  let written = 0;
  if (withResource.length > 0) {
    const r = await tx
      .createQueryBuilder(Operation)
      .insert(withResource)
      .onConflict('id')
      .merge(['status', 'error', 'updatedAt', 'resourceType', 'resourceId'])
      .where({ status: { $ne: 'cancelled' } })
      .execute('run');
    written += r.affectedRows;
  }
  if (without.length > 0) {
    const r = await tx
      .createQueryBuilder(Operation)
      .insert(without)
      .onConflict('id')
      .merge(['status', 'error', 'updatedAt'])
      .where({ status: { $ne: 'cancelled' } })
      .execute('run');
    written += r.affectedRows;
  }
  if (written < rows.length) throw new OperationCancelledMeanwhileError(rows.length - written);
}

function auditSkipped(outbox: OutboxWriter, env: Envelope): void {
  outbox.audit({
    ...envelopeOfAudit(env),
    action: 'command.skipped_cancelled',
    outcome: 'success',
    details: { commandType: env.commandType, reason: 'the operation was cancelled before the command was applied' },
  });
}

function operationRow(env: Envelope, outcome: Partial<OperationRow>): OperationRow {
  return {
    id: env.operationId,
    tenantId: env.tenantId,
    type: env.commandType,
    status: 'accepted',
    principal: env.principal,
    requestId: env.requestId,
    resourceType: null,
    resourceId: null,
    error: null,
    createdAt: env.occurredAt,
    updatedAt: new Date(),
    ...outcome,
  };
}

function envelopeOfAudit(env: Envelope) {
  return { tenantId: env.tenantId, principal: env.principal, operationId: env.operationId, requestId: env.requestId };
}
