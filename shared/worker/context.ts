import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../container';
import type { OutboxWriter } from '../outbox';
import type { HandlerContext } from './handler';

/** Who a context acts for: the sender of a consumed message, or a system actor (operationId null). */
export interface Actor {
  tenantId: string;
  principal: string;
  operationId: string | null;
  requestId: string;
}

/** Events always carry an operation id; work no command asked for (a timer's) carries this one. */
export const NO_OPERATION = '00000000-0000-0000-0000-000000000000';

/**
 * The one builder of what a handler sees: the transaction's EntityManager, the outbox, who asked,
 * a logger. Every state-change audit record carries `auditDetails` (a message's command type, a
 * timer's own facts) beside the handler's details.
 */
export function buildContext(deps: Deps, em: EntityManager, outbox: OutboxWriter, actor: Actor, auditDetails: Record<string, unknown> = {}): HandlerContext {
  const env = {
    tenantId: actor.tenantId,
    principal: actor.principal,
    operationId: actor.operationId ?? NO_OPERATION,
    requestId: actor.requestId,
  };
  return {
    ...env,
    em,
    outbox,
    logger: deps.logger.child({ operationId: env.operationId }),
    emit: (type, payload, about) => outbox.event(type, payload, env, about),
    stateChanged: (resourceType, resourceId, from, to, details) => {
      outbox.audit({
        ...env,
        operationId: actor.operationId,
        action: `${resourceType}.state_changed`,
        outcome: 'success',
        resourceType,
        resourceId,
        details: { from, to, ...auditDetails, ...details },
      });
    },
  };
}

/**
 * A context for a timer's change to one tenant's row (expiring reservations, warranties), so that
 * the domain code it calls emits and audits exactly as it does under a command. `outbox` writes
 * into a unit of work apart from `em`'s (see OutboxWriter.settleVersions).
 */
export function systemContext(
  deps: Deps,
  em: EntityManager,
  outbox: OutboxWriter,
  who: { principal: string; tenantId: string; requestId: string },
  auditDetails?: Record<string, unknown>,
): HandlerContext {
  return buildContext(deps, em, outbox, { ...who, operationId: null }, auditDetails);
}
