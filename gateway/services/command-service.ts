import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CommandDefinition } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import { Operation, type OperationRow } from '../../shared/orm';
import { toKafkaHeaders, type Publisher } from '../../shared/kafka';
import type { SchemaCodec } from '../../shared/registry';
import type { Metrics } from '../../shared/metrics';
import type { Principal } from '../auth/principal';
import { operationView, type OperationView } from './operation-view';
import { IdempotencyStore, requestFingerprint, type IdempotencyScope } from './idempotency';

export interface CommandRequest {
  def: CommandDefinition;
  body: unknown;
  pathId?: string;
  principal: Principal;
  requestId: string;
  method: string;
  path: string;
  idempotencyKey?: string;
  traceparent?: string;
}

export interface CommandResult {
  statusCode: number;
  body: OperationView;
  replayed: boolean;
}

/**
 * Accepting a command: claim the idempotency key, publish to Kafka and wait for the broker's
 * acknowledgement, then record the operation. Nothing is answered 202 before the broker has it;
 * a failure before that leaves nothing behind.
 */
export class CommandService {
  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: Publisher,
    private readonly codec: SchemaCodec,
    private readonly topics: TopicNames,
    private readonly metrics: Metrics,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async accept(req: CommandRequest): Promise<CommandResult> {
    const operationId = randomUUID();
    let scope: IdempotencyScope | undefined;
    if (req.idempotencyKey) {
      scope = { tenantId: req.principal.tenantId, principal: req.principal.id, key: req.idempotencyKey };
      const claim = await this.idempotency.claim(scope, requestFingerprint(req.method, req.path, req.body), operationId);
      if (claim.kind === 'replay') {
        this.metrics.idempotentReplays.inc();
        return { statusCode: claim.statusCode, body: claim.body as unknown as OperationView, replayed: true };
      }
    }
    try {
      const op = await this.publishAndRecord(req, operationId);
      const body = operationView(op);
      if (scope) await this.idempotency.complete(scope, 202, body as unknown as Record<string, unknown>).catch(() => undefined);
      return { statusCode: 202, body, replayed: false };
    } catch (err) {
      if (scope) await this.idempotency.release(scope).catch(() => undefined);
      throw err;
    }
  }

  private async publishAndRecord(req: CommandRequest, operationId: string): Promise<OperationRow> {
    const { def, principal } = req;
    const payload = def.toPayload(req.body, { id: req.pathId, newId: randomUUID });
    const topic = this.topics.commands(def.domain);
    const now = new Date();
    const value = await this.codec.encode(topic, def.schemaFile, payload);
    const end = this.metrics.publishDuration.startTimer({ type: def.type });
    await this.publisher.send([
      {
        topic,
        key: String(payload[def.keyField]),
        value,
        headers: toKafkaHeaders({
          'operation-id': operationId,
          'command-type': def.type,
          'tenant-id': principal.tenantId,
          principal: principal.id,
          'request-id': req.requestId,
          'occurred-at': now.toISOString(),
          traceparent: req.traceparent,
        }),
      },
    ]);
    end();
    this.metrics.commandsPublished.inc({ type: def.type });
    const op: OperationRow = {
      id: operationId,
      tenantId: principal.tenantId,
      type: def.type,
      status: 'accepted',
      principal: principal.id,
      requestId: req.requestId,
      resourceType: def.resourceType,
      resourceId: String(payload[def.keyField]),
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    // The worker may have finished (and written the row) already: never overwrite its outcome, and
    // read the row back only then. A failed insert leaves the worker to write it; the command is accepted.
    const em = this.orm.em.fork();
    const inserted = await em.createQueryBuilder(Operation).insert(op).onConflict('id').ignore().execute('run')
      .then((r) => (r.affectedRows ?? 0) === 1, () => false);
    return inserted ? op : ((await em.findOne(Operation, { id: operationId }).catch(() => null)) ?? op);
  }
}
