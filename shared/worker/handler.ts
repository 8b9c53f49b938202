import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { OutboxWriter } from '../outbox';

export interface HandlerContext {
  em: EntityManager;
  tenantId: string;
  principal: string;
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

export function defineHandler<P>(h: CommandHandler<P>): CommandHandler<P> {
  return h;
}
