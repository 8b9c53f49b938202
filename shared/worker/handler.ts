import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { EventBody, OutboxWriter, Versioned } from '../outbox';
import type { CommandPayloads, CommandType, EventPayloads, EventType } from '../../schemas/catalog';

export interface HandlerContext {
  em: EntityManager;
  tenantId: string;
  principal: string;
  /** The operation the message belongs to (for an event: the operation that caused it). */
  operationId: string;
  requestId: string;
  logger: Logger;
  /**
   * Adds a domain event to the outbox, in this transaction. `about` is the row the event describes:
   * the event carries its version after this change (null: the event changed no versioned row).
   */
  emit<T extends EventType>(type: T, payload: EventBody<T>, about: Versioned | null): void;
  /** Records a state change in the audit trail, in this transaction. */
  stateChanged(resourceType: string, resourceId: string, from: string | null, to: string, details?: Record<string, unknown>): void;
  outbox: OutboxWriter;
}

export interface HandlerResult {
  type: string;
  id: string;
}

/**
 * A command handler: plain business logic on the forked EntityManager. It returns the resource it
 * made or changed, or throws a domain error. It never touches Kafka, offsets or retries.
 *
 * `CommandHandler<never>` is a handler of some command whose payload type is forgotten (what the
 * runner holds, keyed by `command`): it takes only a payload decoded for that command.
 */
export interface CommandHandler<P = never> {
  command: string;
  /**
   * The existing resource the command acts on (the one its route's `:id` names), loaded in the
   * command's transaction: the runner compares its version with the command's If-Match before
   * `handle`. Every command whose route has `:id` has one (test/unit/conditional-commands.test.ts).
   */
  target?(cmd: P, ctx: HandlerContext): Promise<Versioned>;
  handle(cmd: P, ctx: HandlerContext): Promise<HandlerResult>;
}

/**
 * A reaction to another domain's event (the flows between domains). A domain error means the
 * reaction does not apply (e.g. the order was cancelled meanwhile): it is audited, not retried.
 */
export interface EventHandler<P = never> {
  event: string;
  handle(evt: P, ctx: HandlerContext): Promise<void>;
}

/** A handler of command `T`: `cmd` is that command's payload as its .avsc defines it. */
export function defineHandler<T extends CommandType>(h: {
  command: T;
  target?(cmd: CommandPayloads[T], ctx: HandlerContext): Promise<Versioned>;
  handle(cmd: CommandPayloads[T], ctx: HandlerContext): Promise<HandlerResult>;
}): CommandHandler<CommandPayloads[T]> {
  return h;
}

/** A reaction to event `T`: `evt` is that event's payload as its .avsc defines it. */
export function defineEventHandler<T extends EventType>(h: {
  event: T;
  handle(evt: EventPayloads[T], ctx: HandlerContext): Promise<void>;
}): EventHandler<EventPayloads[T]> {
  return h;
}
