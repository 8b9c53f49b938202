import type { Consumer, EachMessagePayload, KafkaMessage } from 'kafkajs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { Inbox, Operation, type OperationRow } from '../orm';
import { OutboxWriter } from '../outbox';
import { LagMonitor, readHeader, toKafkaHeaders } from '../kafka';
import {
  BusinessRuleError, ConflictError, InputError, InvalidTransitionError, NotFoundError, PoisonMessageError,
  StatesetError, isRetriable, problemFor,
} from '../errors';
import type { CommandHandler, EventHandler, HandlerContext } from './handler';
import { findEvent } from '../../schemas/catalog';
import { classifyWorkerError } from './classify';

/** What one domain brings to a worker process: its commands, its reactions, its timers. */
export interface DomainWorkerOptions {
  handlers: CommandHandler<never>[];
  eventHandlers?: EventHandler<never>[];
  /** Periodic work inside the worker (e.g. expiring reservations), each in its own transaction. */
  timers?: { name: string; everyMs: number; run(deps: Deps): Promise<void> }[];
}

export interface WorkerOptions extends DomainWorkerOptions {
  domain: Domain;
}

interface Envelope {
  kind: 'command' | 'event';
  /** Inbox key: the operation id of a command, the event id of an event. */
  messageId: string;
  operationId: string;
  commandType: string;
  tenantId: string;
  principal: string;
  requestId: string;
  occurredAt: Date;
}

const COMMAND_HEADERS = ['operation-id', 'command-type', 'tenant-id', 'principal', 'request-id', 'occurred-at'] as const;
const EVENT_HEADERS = ['event-id', 'event-type', 'operation-id', 'tenant-id', 'principal', 'request-id', 'occurred-at'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Unexpected (non-domain, non-infrastructure) errors get this many tries before the DLQ. */
const MAX_UNEXPECTED_ATTEMPTS = 5;

function envelopeOf(m: KafkaMessage): Envelope {
  const kind = readHeader(m.headers, 'event-type') !== undefined ? 'event' : 'command';
  const required = kind === 'event' ? EVENT_HEADERS : COMMAND_HEADERS;
  const h: Record<string, string | undefined> = Object.fromEntries(required.map((n) => [n, readHeader(m.headers, n)]));
  const missing = required.filter((n) => !h[n]);
  if (missing.length > 0) throw new PoisonMessageError(`missing headers: ${missing.join(', ')}`);
  const messageId = kind === 'event' ? h['event-id']! : h['operation-id']!;
  if (!UUID.test(messageId) || !UUID.test(h['operation-id']!)) throw new PoisonMessageError('operation-id or event-id is not a UUID');
  const occurredAt = new Date(h['occurred-at']!);
  return {
    kind,
    messageId,
    operationId: h['operation-id']!,
    commandType: (kind === 'event' ? h['event-type'] : h['command-type'])!,
    tenantId: h['tenant-id']!,
    principal: h.principal!,
    requestId: h['request-id']!,
    occurredAt: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt,
  };
}

const isDomainError = (e: unknown) =>
  e instanceof InvalidTransitionError || e instanceof BusinessRuleError || e instanceof NotFoundError ||
  e instanceof ConflictError || e instanceof InputError;

/**
 * Runs a domain worker: decode → inbox check → handler → state + outbox + operation status in ONE
 * transaction → commit the offset. Domain errors finish the operation as failed; poison goes to the
 * DLQ; transient failures retry with backoff and never skip.
 */
export class Worker {
  private readonly consumer: Consumer;
  private readonly handlers: Map<string, CommandHandler<never>>;
  private readonly eventHandlers: Map<string, EventHandler<never>>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lag: LagMonitor;
  private stopping = false;
  readonly topic: string;
  readonly eventTopics: string[];

  constructor(private readonly deps: Deps, private readonly opts: WorkerOptions) {
    const { config } = deps;
    this.topic = deps.topics.commands(opts.domain);
    this.handlers = new Map(opts.handlers.map((h) => [h.command, h]));
    this.eventHandlers = new Map((opts.eventHandlers ?? []).map((h) => [h.event, h]));
    this.eventTopics = [...new Set((opts.eventHandlers ?? []).map((h) => {
      const def = findEvent(h.event);
      if (!def) throw new Error(`event handler for unknown event ${h.event}`);
      return deps.topics.events(def.domain);
    }))];
    this.consumer = deps.kafka.consumer({
      groupId: `${config.KAFKA_TOPIC_PREFIX}stateset.worker.${opts.domain}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.lag = new LagMonitor(deps.kafka, `${config.KAFKA_TOPIC_PREFIX}stateset.worker.${opts.domain}`, [this.topic, ...this.eventTopics],
      deps.metrics.consumerLag, deps.logger, (topic, partition) => ({ topic, partition: String(partition) }));
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic, ...this.eventTopics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachMessage: (p) => this.onMessage(p),
    });
    this.lag.start();
    for (const t of this.opts.timers ?? []) {
      this.timers.push(setInterval(() => {
        t.run(this.deps).catch((err: unknown) => this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err), timer: t.name }, 'timer failed; will run again'));
      }, t.everyMs));
    }
    this.deps.logger.info({ domain: this.opts.domain, topics: [this.topic, ...this.eventTopics] }, 'worker started');
  }

  /** Finishes the message in hand, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    await this.lag.stop();
    await this.consumer.disconnect();
  }

  private async onMessage({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        await this.process(topic, partition, message);
        break;
      } catch (err) {
        const kind = classifyWorkerError(err);
        if (kind === 'poison' || (kind === 'unexpected' && attempt >= MAX_UNEXPECTED_ATTEMPTS)) {
          await this.toDlq(topic, partition, message, err);
          break;
        }
        if (this.stopping) throw err; // leave uncommitted: the next owner of the partition retries
        const type = readHeader(message.headers, 'command-type') ?? 'unknown';
        this.deps.metrics.workerRetries.inc({ type });
        const delay = Math.min(this.deps.config.WORKER_RETRY_MAX_MS, 200 * 2 ** Math.min(attempt, 10));
        this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err), attempt, delay, kind }, 'command failed, retrying');
        await new Promise((r) => setTimeout(r, delay));
        await heartbeat().catch(() => undefined);
      }
    }
    await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const env = envelopeOf(message);
    if (env.kind === 'event') return this.processEvent(env, message);
    const handler = this.handlers.get(env.commandType);
    if (!handler) throw new PoisonMessageError(`no handler for command type ${env.commandType}`);
    const payload = await this.deps.codec.decode(message.value);
    const end = this.deps.metrics.workerDuration.startTimer({ type: env.commandType });
    const em = this.deps.orm.em.fork();
    let outcome: 'succeeded' | 'failed' | 'duplicate';
    try {
      outcome = await em.transactional((tx) => this.applyCommand(tx, env, handler, payload));
    } catch (err) {
      if (!isDomainError(err)) throw err;
      outcome = await this.deps.orm.em.fork().transactional((tx) => this.recordFailure(tx, env, err));
    }
    end();
    this.deps.metrics.workerCommands.inc({ type: env.commandType, outcome });
    this.deps.logger.debug({ topic, partition, offset: message.offset, operationId: env.operationId, outcome }, 'command handled');
  }

  /** Events of other domains: another domain's outcome to react to, never an operation of ours. */
  private async processEvent(env: Envelope, message: KafkaMessage): Promise<void> {
    const handler = this.eventHandlers.get(env.commandType);
    if (!handler) return; // the topic carries event types this domain does not react to
    const payload = await this.deps.codec.decode(message.value);
    const end = this.deps.metrics.workerDuration.startTimer({ type: env.commandType });
    let outcome: 'succeeded' | 'failed' | 'duplicate';
    try {
      outcome = await this.deps.orm.em.fork().transactional(async (tx) => {
        if (!(await this.claimInbox(tx, env))) return 'duplicate' as const;
        const outbox = new OutboxWriter(tx, this.deps.topics);
        await handler.handle(payload as never, this.context(tx, env, outbox));
        await tx.flush();
        return 'succeeded' as const;
      });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      outcome = await this.deps.orm.em.fork().transactional(async (tx) => {
        if (!(await this.claimInbox(tx, env))) return 'duplicate' as const;
        new OutboxWriter(tx, this.deps.topics).audit({
          tenantId: env.tenantId, principal: env.principal, operationId: env.operationId, requestId: env.requestId,
          action: 'event.not_applied', outcome: 'failure',
          details: { eventType: env.commandType, consumer: this.opts.domain, reason: (err as Error).message },
        });
        await tx.flush();
        return 'failed' as const;
      });
    }
    end();
    this.deps.metrics.workerCommands.inc({ type: env.commandType, outcome });
  }

  private async claimInbox(tx: EntityManager, env: Envelope): Promise<boolean> {
    const res = await tx.createQueryBuilder(Inbox)
      .insert({ consumer: this.opts.domain, messageId: env.messageId, messageType: env.commandType, processedAt: new Date() })
      .onConflict(['consumer', 'messageId']).ignore().execute('run');
    return (res.affectedRows ?? 0) === 1;
  }

  private context(tx: EntityManager, env: Envelope, outbox: OutboxWriter): HandlerContext {
    const base = { tenantId: env.tenantId, principal: env.principal, operationId: env.operationId, requestId: env.requestId };
    return {
      ...base,
      em: tx,
      outbox,
      logger: this.deps.logger.child({ operationId: env.operationId }),
      emit: (type, payload) => outbox.event(type, payload, base),
      stateChanged: (resourceType, resourceId, from, to, details) => {
        outbox.audit({
          ...base, action: `${resourceType}.state_changed`, outcome: 'success', resourceType, resourceId,
          details: { from, to, commandType: env.commandType, ...details },
        });
      },
    };
  }

  private async applyCommand(tx: EntityManager, env: Envelope, handler: CommandHandler<never>, payload: Record<string, unknown>) {
    if (!(await this.claimInbox(tx, env))) return 'duplicate' as const;
    const outbox = new OutboxWriter(tx, this.deps.topics);
    const resource = await handler.handle(payload as never, this.context(tx, env, outbox));
    await this.upsertOperation(tx, env, { status: 'succeeded', resourceType: resource.type, resourceId: resource.id, error: null });
    outbox.audit({
      tenantId: env.tenantId, principal: env.principal, operationId: env.operationId, requestId: env.requestId,
      action: 'command.succeeded', outcome: 'success', resourceType: resource.type, resourceId: resource.id,
      details: { commandType: env.commandType },
    });
    await tx.flush();
    return 'succeeded' as const;
  }

  private async recordFailure(tx: EntityManager, env: Envelope, err: unknown) {
    if (!(await this.claimInbox(tx, env))) return 'duplicate' as const;
    const problem = { ...problemFor(err), instance: `/v1/operations/${env.operationId}` };
    await this.upsertOperation(tx, env, { status: 'failed', error: problem as unknown as Record<string, unknown> });
    new OutboxWriter(tx, this.deps.topics).audit({
      tenantId: env.tenantId, principal: env.principal, operationId: env.operationId, requestId: env.requestId,
      action: 'command.failed', outcome: 'failure',
      details: { commandType: env.commandType, reason: (err as StatesetError).name, detail: problem.detail },
    });
    await tx.flush();
    return 'failed' as const;
  }

  private async upsertOperation(tx: EntityManager, env: Envelope, outcome: Partial<OperationRow>): Promise<void> {
    const now = new Date();
    const row: OperationRow = {
      id: env.operationId, tenantId: env.tenantId, type: env.commandType, status: 'accepted', principal: env.principal,
      requestId: env.requestId, resourceType: null, resourceId: null, error: null, createdAt: env.occurredAt, updatedAt: now,
      ...outcome,
    };
    const merge: (keyof OperationRow)[] = ['status', 'error', 'updatedAt'];
    if (outcome.resourceId) merge.push('resourceType', 'resourceId');
    await tx.createQueryBuilder(Operation).insert(row).onConflict('id').merge(merge).execute('run');
  }

  private async toDlq(topic: string, partition: number, message: KafkaMessage, err: unknown): Promise<void> {
    const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      const s = readHeader({ [k]: v as Buffer }, k);
      if (s !== undefined) headers[k] = s;
    }
    // The DLQ write must succeed before the offset moves on: retry it like any transient failure.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.publisher.send([{
          topic: this.deps.topics.dlq(this.opts.domain),
          key: message.key?.toString() ?? '',
          value: message.value ?? Buffer.alloc(0),
          headers: toKafkaHeaders({
            ...headers,
            'dlq-reason': reason,
            'dlq-error': err instanceof Error ? err.name : 'Error',
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
            'dlq-at': new Date().toISOString(),
          }),
        }]);
        break;
      } catch (sendErr) {
        if (!isRetriable(sendErr) || this.stopping) throw sendErr;
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
    this.deps.metrics.dlqMessages.inc({ topic });
    this.deps.metrics.workerCommands.inc({ type: readHeader(message.headers, 'command-type') ?? 'unknown', outcome: 'dlq' });
    this.deps.logger.error({ topic, partition, offset: message.offset, reason }, 'message sent to DLQ');
  }
}

export async function runWorker(deps: Deps, opts: WorkerOptions): Promise<Worker> {
  const w = new Worker(deps, opts);
  await w.start();
  return w;
}
