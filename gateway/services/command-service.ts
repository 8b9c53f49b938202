import { createHash, randomUUID } from 'node:crypto';
import type { CommandDefinition, ParsedCommandBody } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import type { OperationRow, OperationStatus } from '../../shared/orm';
import {
  EXPECTED_VERSION_HEADER,
  formatExpectedVersion,
  toKafkaHeaders,
  type CommandSigner,
  type ExpectedVersion,
  type OutgoingMessage,
  type Publisher,
} from '../../shared/kafka';
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
  /** The request's If-Match: the versions of the resource the command may apply to. */
  expectedVersion?: ExpectedVersion;
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
    let operationId: string = randomUUID();
    let resumed = false;
    let scope: IdempotencyScope | undefined;
    if (req.idempotencyKey) {
      scope = { tenantId: req.principal.tenantId, principal: req.principal.id, key: req.idempotencyKey };
      const claim = await this.idempotency.claim(scope, requestFingerprint(req.method, req.path, req.body.value, req.expectedVersion), operationId);
      if (claim.kind === 'replay') {
        this.metrics.idempotentReplays.inc();
        if (!isOperationView(claim.body)) throw new Error(`the stored answer of Idempotency-Key ${scope.key} is not an operation`);
        return { statusCode: claim.statusCode, body: claim.body, replayed: true };
      }
      if (claim.kind === 'resume') {
        operationId = claim.operationId;
        resumed = true;
      }
    }
    const progress = { published: false };
    try {
      const op = await this.publishAndRecord(req, operationId, resumed, progress);
      const body = operationView(op);
      if (scope) await this.idempotency.complete(scope, 202, { ...body }).catch(() => undefined);
      return { statusCode: 202, body, replayed: false };
    } catch (err) {
      // Once the broker may hold the command (acknowledged, or a resumed claim whose dead request may
      // have published it), freeing the key would let a retry start a second operation: it stays
      // claimed, and a retry after the claim is abandoned resumes this same operation.
      if (scope && !progress.published && !resumed) await this.idempotency.release(scope).catch(() => undefined);
      throw err;
    }
  }

  /**
   * `resumed`: the claim of a request that died somewhere between claiming the key and storing its
   * answer. If its operation row exists the command was applied or recorded: nothing is published
   * again. Otherwise the same command is published again (same operation id, same new resource id —
   * derived from the operation id — so the worker's inbox drops whichever copy comes second), and
   * the command.accepted record is written unless the dead request wrote it.
   */
  private async publishAndRecord(req: CommandRequest, operationId: string, resumed: boolean, progress: { published: boolean }): Promise<OperationRow> {
    const { def, principal } = req;
    let n = 0;
    const payload = req.body.toPayload({ id: req.pathId, newId: () => resourceIdFor(operationId, n++) });
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
      [EXPECTED_VERSION_HEADER]: req.expectedVersion === undefined ? undefined : formatExpectedVersion(req.expectedVersion),
    });
    // The workers apply only what this signature vouches for: tenant, principal, type, payload, If-Match.
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
    const recorded = resumed ? await this.operations.find(operationId) : null;
    if (!recorded) {
      const end = this.metrics.publishDuration.startTimer({ type: def.type });
      await this.publisher.send([command]);
      end();
      progress.published = true;
      this.metrics.commandsPublished.inc({ type: def.type });
    }
    const row: OperationRow = {
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
    };
    const audit = { ...auditMessage(record, this.topics), record };
    return resumed ? this.operations.recordResumed(row, audit) : this.operations.recordAccepted(row, audit);
  }
}

/**
 * The id of a resource a command creates, derived from its operation id (random, never chosen by a
 * client): publishing a resumed command again yields the same command, not a second resource.
 */
function resourceIdFor(operationId: string, n: number): string {
  const h = createHash('sha256').update(`stateset resource ${operationId} ${n}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const OPERATION_STATUSES = new Set<string>(['accepted', 'running', 'succeeded', 'failed', 'cancelled'] satisfies OperationStatus[]);

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
