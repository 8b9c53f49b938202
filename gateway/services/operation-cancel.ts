import type { MikroORM } from '@mikro-orm/postgresql';
import { Operation, type OperationRow } from '../../shared/orm';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../shared/errors';
import { buildAuditRecord, type AuditInput } from '../../shared/audit';
import { auditMessage } from '../../shared/outbox';
import type { Metrics } from '../../shared/metrics';
import { AUDIT_SCHEMA_FILE, findCommand } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import type { Principal } from '../auth/principal';

export type CancelOutcome = 'cancelled' | 'already_cancelled' | 'conflict' | 'not_found' | 'forbidden' | 'error';

export interface CancelRequest {
  principal: Principal;
  operationId: string;
  requestId: string;
  sourceIp: string | null;
  userAgent: string | null;
}

/**
 * POST /v1/operations/{id}/cancel. A command not yet applied is cancelled by one conditional UPDATE
 * (`accepted` → `cancelled`, tenant-scoped) that also writes its `operation.cancelled` audit record
 * (one statement, so neither exists without the other). The worker locks a batch's operation rows
 * before applying it (shared/worker/apply.ts), so the UPDATE either commits first — the worker
 * then skips the command — or waits for the worker's commit and finds the operation final: 409.
 * Cancelling a cancelled operation answers it again (idempotent). Besides `operations:write`
 * (checked by the route), the caller must hold the write permission of the command's own domain:
 * cancelling an order command is a write on orders.
 */
export class OperationCancellation {
  constructor(
    private readonly orm: MikroORM,
    private readonly topics: TopicNames,
    private readonly metrics: Metrics,
    private readonly audit: (input: AuditInput) => Promise<void>,
  ) {}

  async cancel(req: CancelRequest): Promise<OperationRow> {
    const outcome = await this.attempt(req).catch((err: unknown) => {
      this.metrics.operationCancels.inc({ outcome: outcomeOf(err) });
      throw err;
    });
    this.metrics.operationCancels.inc({ outcome: outcome.kind });
    return outcome.op;
  }

  private async attempt(req: CancelRequest): Promise<{ kind: CancelOutcome; op: OperationRow }> {
    const { principal, operationId } = req;
    const context = {
      tenantId: principal.tenantId,
      principal: principal.id,
      requestId: req.requestId,
      operationId,
      resourceType: 'operation',
      resourceId: operationId,
      sourceIp: req.sourceIp,
      userAgent: req.userAgent,
    };
    const op = await this.find(principal.tenantId, operationId);
    if (!op) throw new NotFoundError('operation not found');
    const domainPermission = findCommand(op.type)?.permission;
    if (domainPermission && !principal.permissions.has(domainPermission)) {
      this.metrics.authzFailures.inc({ permission: domainPermission });
      await this.audit({
        ...context,
        action: 'operation.cancel_refused',
        outcome: 'denied',
        details: { reason: 'missing_permission', permission: domainPermission },
      });
      throw new PermissionDeniedError(domainPermission);
    }
    if (op.status === 'accepted' && (await this.cancelAccepted(op, context))) {
      return { kind: 'cancelled', op: (await this.find(principal.tenantId, operationId)) ?? op };
    }
    // Not accepted any more: applied (or being applied) by a worker, or cancelled already.
    const now = (await this.find(principal.tenantId, operationId)) ?? op;
    if (now.status === 'cancelled') {
      await this.audit({ ...context, action: 'operation.cancel_requested', outcome: 'success', details: { alreadyCancelled: true, commandType: now.type } });
      return { kind: 'already_cancelled', op: now };
    }
    await this.audit({
      ...context,
      action: 'operation.cancel_refused',
      outcome: 'failure',
      details: { reason: 'already_applied', status: now.status, commandType: now.type },
    });
    throw new ConflictError(`the operation is ${now.status}: its command was applied and can no longer be cancelled`);
  }

  private async find(tenantId: string, id: string): Promise<OperationRow | null> {
    return this.orm.em.fork().findOne(Operation, { id, tenantId });
  }

  /** The conditional UPDATE and its audit row, one statement; false if the row was no longer `accepted`. */
  private async cancelAccepted(op: OperationRow, context: Omit<AuditInput, 'action' | 'outcome'>): Promise<boolean> {
    const now = new Date();
    const record = buildAuditRecord({ ...context, action: 'operation.cancelled', outcome: 'success', details: { commandType: op.type } }, now);
    const { topic, key, headers } = auditMessage(record, this.topics);
    const rows = await this.orm.em.fork().execute<{ id: string }[]>(
      `with cancelled as (
         update operations set status = 'cancelled', updated_at = ? where id = ? and tenant_id = ? and status = 'accepted' returning id),
       audited as (
         insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at)
         select ?, ?, 'audit', ?, ?::jsonb, ?::jsonb, ?::timestamptz from cancelled)
       select id from cancelled`,
      [now, op.id, op.tenantId, topic, key, AUDIT_SCHEMA_FILE, JSON.stringify({ ...record }), JSON.stringify(headers), record.occurredAt],
    );
    return rows.length > 0;
  }
}

function outcomeOf(err: unknown): CancelOutcome {
  if (err instanceof NotFoundError) return 'not_found';
  if (err instanceof PermissionDeniedError) return 'forbidden';
  if (err instanceof ConflictError) return 'conflict';
  return 'error';
}
