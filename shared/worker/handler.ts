import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { OutboxWriter } from '../outbox';

export interface HandlerContext {
  em: EntityManager;
  tenantId: string;
  principal: string;
  /** The operation the message belongs to (for an event: the operation that caused it). */
  operationId: string;
  requestId: string;
  logger: Logger;
  /** Adds a domain event to the outbox, in this transaction. */
  emit(type: string, payload: Record<string, unknown>): void;
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
 */
export interface CommandHandler<P = Record<string, unknown>> {
  command: string;
  handle(cmd: P, ctx: HandlerContext): Promise<HandlerResult>;
}

/**
 * A reaction to another domain's event (the flows between domains). A domain error means the
 * reaction does not apply (e.g. the order was cancelled meanwhile): it is audited, not retried.
 */
export interface EventHandler<P = Record<string, unknown>> {
  event: string;
  handle(evt: P, ctx: HandlerContext): Promise<void>;
}

export function defineHandler<P>(h: CommandHandler<P>): CommandHandler<never> {
  return h as unknown as CommandHandler<never>;
}

export function defineEventHandler<P>(h: EventHandler<P>): EventHandler<never> {
  return h as unknown as EventHandler<never>;
}
