import { randomUUID } from 'node:crypto';
import type { CommandDefinition, ParsedCommandBody } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import type { OperationRow, OperationStatus } from '../../shared/orm';
import { toKafkaHeaders, type CommandSigner, type OutgoingMessage, type Publisher } from '../../shared/kafka';
import type { SchemaCodec } from '../../shared/registry';
import type { Metrics } from '../../shared/metrics';
import { buildAuditRecord } from '../../shared/audit';
import { auditMessage } from '../../shared/outbox';
import type { Principal } from '../auth/principal';
import { operationView, type OperationView } from './operation-view';
import type { OperationStore } from './operation-store';
import { IdempotencyStore, requestFingerprint, type IdempotencyScope } from './idempotency';

export interface CommandRequest {
  def: CommandDefinition;
  /** parsed once by the route with the command's schema */
  body: ParsedCommandBody;
  pathId?: string;
  principal: Principal;
  requestId: string;
  method: string;
  path: string;
  idempotencyKey?: string;
  traceparent?: string;
  sourceIp: string | null;
  userAgent: string | null;
}

export interface CommandResult {
  statusCode: number;
  body: OperationView;
  replayed: boolean;
}

/**
 * Accepting a command: claim the idempotency key, publish the signed command and wait for the
 * broker's acknowledgement, then record the operation and its `command.accepted` audit record in one
 * statement (shared by concurrent requests): the audit record leaves through the outbox, published by
 * the workers' relays, because the gateway holds no write right on the audit topic (SECURITY.md).
 * Nothing is answered 202 before the broker has the command and PostgreSQL its audit record; a
 * failure before the acknowledgement leaves nothing behind.
 */
export class CommandService {
  constructor(
    private readonly operations: OperationStore,
    private readonly publisher: Publisher,
    private readonly codec: SchemaCodec,
    private readonly topics: TopicNames,
    private readonly metrics: Metrics,
    private readonly idempotency: IdempotencyStore,
    private readonly signer: CommandSigner,
  ) {}

  async accept(req: CommandRequest): Promise<CommandResult> {
    const operationId = randomUUID();
    let scope: IdempotencyScope | undefined;
    if (req.idempotencyKey) {
      scope = { tenantId: req.principal.tenantId, principal: req.principal.id, key: req.idempotencyKey };
      const claim = await this.idempotency.claim(scope, requestFingerprint(req.method, req.path, req.body.value), operationId);
      if (claim.kind === 'replay') {
        this.metrics.idempotentReplays.inc();
        if (!isOperationView(claim.body)) throw new Error(`the stored answer of Idempotency-Key ${scope.key} is not an operation`);
        return { statusCode: claim.statusCode, body: claim.body, replayed: true };
      }
    }
    try {
      const op = await this.publishAndRecord(req, operationId);
      const body = operationView(op);
      if (scope) await this.idempotency.complete(scope, 202, { ...body }).catch(() => undefined);
      return { statusCode: 202, body, replayed: false };
    } catch (err) {
      if (scope) await this.idempotency.release(scope).catch(() => undefined);
      throw err;
    }
  }

  private async publishAndRecord(req: CommandRequest, operationId: string): Promise<OperationRow> {
    const { def, principal } = req;
    const payload = req.body.toPayload({ id: req.pathId, newId: randomUUID });
    const topic = this.topics.commands(def.domain);
    const now = new Date();
    const fields: Record<string, unknown> = payload;
    const resourceId = String(fields[def.keyField]);
    const value = await this.codec.encode(topic, def.schemaFile, payload);
    const headers = toKafkaHeaders({
      'operation-id': operationId,
      'command-type': def.type,
      'tenant-id': principal.tenantId,
      principal: principal.id,
      'request-id': req.requestId,
      'occurred-at': now.toISOString(),
      traceparent: req.traceparent,
    });
    // The workers apply only what this signature vouches for: tenant, principal, type, payload.
    const command: OutgoingMessage = { topic, key: resourceId, value, headers: this.signer.signedHeaders({ topic, key: resourceId, value, headers }) };
    const record = buildAuditRecord(
      {
        action: 'command.accepted',
        outcome: 'success',
        tenantId: principal.tenantId,
        principal: principal.id,
        requestId: req.requestId,
        operationId,
        resourceType: def.resourceType,
        resourceId,
        sourceIp: req.sourceIp,
        userAgent: req.userAgent,
        details: { commandType: def.type },
      },
      now,
    );
    const end = this.metrics.publishDuration.startTimer({ type: def.type });
    await this.publisher.send([command]);
    end();
    this.metrics.commandsPublished.inc({ type: def.type });
    return this.operations.recordAccepted(
      {
        id: operationId,
        tenantId: principal.tenantId,
        type: def.type,
        status: 'accepted',
        principal: principal.id,
        requestId: req.requestId,
        resourceType: def.resourceType,
        resourceId,
        error: null,
        createdAt: now,
        updatedAt: now,
      },
      { ...auditMessage(record, this.topics), record },
    );
  }
}

const OPERATION_STATUSES = new Set<string>(['accepted', 'running', 'succeeded', 'failed'] satisfies OperationStatus[]);

/** A replay answers with the view stored on completion; it comes back from a JSON column, so its shape is checked. */
function isOperationView(b: Record<string, unknown>): b is Record<string, unknown> & OperationView {
  return (
    typeof b.id === 'string' &&
    typeof b.type === 'string' &&
    typeof b.status === 'string' &&
    OPERATION_STATUSES.has(b.status) &&
    typeof b.done === 'boolean' &&
    typeof b.createdAt === 'string' &&
    typeof b.updatedAt === 'string'
  );
}
