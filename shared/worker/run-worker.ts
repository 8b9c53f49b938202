import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { LagMonitor } from '../kafka';
import { backoffDelay, kafkajsRetry, sleep } from '../retry';
import type { CommandHandler, EventHandler } from './handler';
import type { WorkerOptions } from './options';
import { typeOf } from './envelope';
import { applyItems, applyOne, ItemFailedError, recordFailure, type Applicable, type Item, type Outcome } from './apply';
import { countOutcome, eventTopicsOf, prepareItem } from './prepare';
import { workerAction } from './classify';
import { finishDeadLettered, sendToDlq } from './dlq';

export type { CommittedWork, DomainWorkerOptions, WorkerHooks, WorkerOptions } from './options';

export const DEFAULT_BATCH_SIZE = 200;

/** The consumer group of a domain's worker (also granted by the broker ACLs, shared/kafka/acl-plan.ts). */
export function workerGroupId(topicPrefix: string, domain: Domain): string {
  return `${topicPrefix}stateset.worker.${domain}`;
}
/** A wait never goes longer than this without a heartbeat (the consumer's heartbeat interval). */
const HEARTBEAT_MS = 3000;

/** The partition a batch came from and the consumer callbacks for it. */
interface Partition {
  topic: string;
  partition: number;
  heartbeat(): Promise<void>;
  resolveOffset(offset: string): void;
}

/**
 * Runs a domain worker: per partition, a batch of messages is decoded, claimed in the inbox and
 * applied (state + outbox + operation status) in ONE transaction, then the offsets are committed.
 * A failing message costs only itself: the batch is rolled back, the messages before it are applied
 * again as a batch, the failing one alone (domain errors finish the operation as failed, poison goes
 * to the DLQ, transient failures retry with backoff and never skip: the partition waits), and the
 * batch goes on after it.
 */
export class Worker {
  private readonly consumer: Consumer;
  private readonly handlers: Map<string, CommandHandler<never>>;
  private readonly eventHandlers: Map<string, EventHandler<never>>;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lag: LagMonitor;
  private readonly batchSize: number;
  private stopping = false;
  private wakeUp: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.wakeUp = resolve));
  private onGivenUp: (err: Error) => void = () => undefined;
  /**
   * Settles when the consumer crashed and kafkajs will not restart it (a non-retriable error, or
   * retries exhausted on one): the worker then consumes nothing for ever, so its process must exit
   * and be restarted by its supervisor instead of idling with a growing lag.
   */
  readonly givenUp = new Promise<Error>((resolve) => (this.onGivenUp = resolve));
  readonly topic: string;
  readonly eventTopics: string[];

  constructor(
    private readonly deps: Deps,
    private readonly opts: WorkerOptions,
  ) {
    const { config } = deps;
    this.topic = deps.topics.commands(opts.domain);
    this.batchSize = Math.max(1, Math.min(opts.batchSize ?? DEFAULT_BATCH_SIZE, 1000));
    this.handlers = new Map(opts.handlers.map((h) => [h.command, h]));
    this.eventHandlers = new Map((opts.eventHandlers ?? []).map((h) => [h.event, h]));
    this.eventTopics = eventTopicsOf(opts.eventHandlers ?? [], deps.topics);
    const groupId = workerGroupId(config.KAFKA_TOPIC_PREFIX, opts.domain);
    this.consumer = deps.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: HEARTBEAT_MS,
      retry: kafkajsRetry({ initialMs: 300, maxMs: 5000 }, 10),
    });
    this.lag = new LagMonitor(deps.kafka, groupId, [this.topic, ...this.eventTopics], deps.metrics.consumerLag, deps.logger, (topic, partition) => ({
      topic,
      partition: String(partition),
    }));
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      this.deps.logger.fatal({ err: payload.error, groupId: payload.groupId, domain: this.opts.domain }, 'consumer crashed and will not restart');
      this.onGivenUp(payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic, ...this.eventTopics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      // Offsets are resolved (next fetch position) and committed by us, only past committed work.
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (p) => this.onBatch(p),
    });
    this.lag.start();
    for (const t of this.opts.timers ?? []) {
      this.timers.push(
        setInterval(() => {
          t.run(this.deps).catch((err: unknown) => this.deps.logger.warn({ err, timer: t.name }, 'timer failed; will run again'));
        }, t.everyMs),
      );
    }
    this.deps.logger.info({ domain: this.opts.domain, topics: [this.topic, ...this.eventTopics], batchSize: this.batchSize }, 'worker started');
  }

  /** Finishes the batch in hand, commits, leaves the group. A message waiting to retry stays uncommitted. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp();
    for (const t of this.timers) clearInterval(t);
    await this.lag.stop();
    await this.consumer.disconnect();
  }

  private async onBatch(p: EachBatchPayload): Promise<void> {
    const at: Partition = {
      topic: p.batch.topic,
      partition: p.batch.partition,
      heartbeat: () => p.heartbeat().catch(() => undefined),
      resolveOffset: p.resolveOffset,
    };
    const { messages } = p.batch;
    for (let i = 0; i < messages.length; i += this.batchSize) {
      // Stopping, or the partition was revoked or sought: what is not committed is read again.
      if (i > 0 && (!p.isRunning() || p.isStale())) return;
      await this.processChunk(at, messages.slice(i, i + this.batchSize));
    }
  }

  /** Prepares messages up to the first that cannot be prepared, applies those as a batch, settles that one alone, goes on. */
  private async processChunk(at: Partition, messages: KafkaMessage[]): Promise<void> {
    let i = 0;
    while (i < messages.length) {
      const ready: Item[] = [];
      let failed: { message: KafkaMessage; err: unknown } | undefined;
      for (; i < messages.length && !failed; i++) {
        const message = messages[i]!;
        try {
          ready.push(await this.prepare(message, at.topic));
        } catch (err) {
          failed = { message, err };
        }
      }
      if (ready.length > 0) await this.applyMany(at, ready);
      if (failed) await this.settle(at, failed.message, undefined, failed.err);
    }
  }

  /** Reads the envelope, finds the handler, decodes the payload (no I/O once the schema is cached). */
  private prepare(message: KafkaMessage, topic: string): Promise<Item> {
    return prepareItem(message, this.handlers, this.eventHandlers, this.deps.codec, topic, this.deps.commandSigner);
  }

  /**
   * Applies items in one transaction. If a message fails, the transaction is rolled back; the ones
   * before it are applied again as a batch, it is settled alone (its error counts as its first try),
   * and the rest goes on as a batch. A failure not pinned on one message: one by one.
   */
  private async applyMany(at: Partition, items: Item[]): Promise<void> {
    let rest = items;
    while (rest.length > 0) {
      const failure = await this.applyBatch(at, rest).then(
        () => undefined,
        (err: unknown) => ({ err }),
      );
      if (!failure) {
        await this.committed(
          at,
          rest.map((i) => i.message),
        );
        return;
      }
      const { err } = failure;
      if (!(err instanceof ItemFailedError)) {
        this.deps.logger.warn({ err, size: rest.length }, 'batch failed; applying its messages one by one');
        for (const item of rest) await this.settle(at, item.message, item);
        return;
      }
      const k = err.index;
      if (k > 0) {
        const before = rest.slice(0, k);
        if (
          await this.applyBatch(at, before).then(
            () => true,
            () => false,
          )
        )
          await this.committed(
            at,
            before.map((i) => i.message),
          );
        else for (const item of before) await this.settle(at, item.message, item);
      }
      await this.settle(at, rest[k]!.message, rest[k], err.error);
      rest = rest.slice(k + 1);
    }
  }

  /** One transaction for the items (offsets are the caller's). ItemFailedError indexes `items`. */
  private async applyBatch(at: Partition, items: Item[]): Promise<void> {
    const applicable: Applicable[] = [];
    const position: number[] = [];
    items.forEach((item, i) => {
      if (item.kind !== 'skip') {
        applicable.push(item);
        position.push(i);
      }
    });
    const started = performance.now();
    let outcomes: Outcome[] = [];
    if (applicable.length > 0) {
      try {
        outcomes = await applyItems(this.deps, this.opts.domain, applicable, at.heartbeat);
      } catch (err) {
        throw err instanceof ItemFailedError ? new ItemFailedError(position[err.index]!, err.error) : err;
      }
    }
    // The duration metric is per message: a batch's time is shared among its messages.
    const seconds = (performance.now() - started) / 1000 / Math.max(applicable.length, 1);
    applicable.forEach((item, i) => this.count(item.env.commandType, outcomes[i]!, seconds));
    this.deps.logger.debug({ topic: at.topic, partition: at.partition, size: items.length, firstOffset: items[0]!.message.offset }, 'batch applied');
  }

  /**
   * One message alone, until it is settled: applied, refused (operation failed), or dead-lettered.
   * `prior` is the error of a try made in a batch. Transient failures retry forever; the partition waits.
   */
  private async settle(at: Partition, message: KafkaMessage, item?: Item, prior?: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let err = attempt === 1 ? prior : undefined;
      const started = performance.now();
      if (err === undefined) {
        try {
          item ??= await this.prepare(message, at.topic);
          if (item.kind !== 'skip') {
            const [outcome] = await this.applyAlone(item);
            this.count(item.env.commandType, outcome!, (performance.now() - started) / 1000);
          }
          break;
        } catch (e) {
          err = e;
        }
      }
      const applicable = item && item.kind !== 'skip' ? item : undefined;
      const action = workerAction(err, attempt, { recordable: applicable !== undefined });
      try {
        if (action === 'fail' && applicable) {
          this.count(applicable.env.commandType, await recordFailure(this.deps, this.opts.domain, applicable, err), (performance.now() - started) / 1000);
          break;
        }
        if (action === 'dlq') {
          await sendToDlq(
            this.deps,
            this.opts.domain,
            { topic: at.topic, partition: at.partition, message },
            err,
            (ms) => this.wait(ms, at),
            () => this.stopping,
          );
          await finishDeadLettered(
            this.deps,
            { topic: at.topic, partition: at.partition, message },
            applicable?.env ?? null,
            err,
            (ms) => this.wait(ms, at),
            () => this.stopping,
          );
          break;
        }
      } catch (e) {
        err = e; // recording the outcome failed: retried like the message itself
      }
      if (this.stopping) throw err; // leave it uncommitted: the next owner of the partition retries
      this.deps.metrics.workerRetries.inc({ type: typeOf(message) });
      const delay = backoffDelay(attempt, { initialMs: 200, maxMs: this.deps.config.WORKER_RETRY_MAX_MS });
      this.deps.logger.warn({ err, attempt, delay, offset: message.offset, partition: at.partition }, 'message failed, retrying');
      await this.wait(delay, at);
    }
    await this.committed(at, [message]);
  }

  private applyAlone(item: Applicable): Promise<Outcome[]> {
    return applyOne(this.deps, this.opts.domain, item);
  }

  /** Work of these messages is committed: past them go the fetch position and the group's offset. */
  private async committed(at: Partition, messages: KafkaMessage[]): Promise<void> {
    const last = messages[messages.length - 1]!.offset;
    await this.opts.hooks?.beforeOffsetCommit?.({ topic: at.topic, partition: at.partition, offsets: messages.map((m) => m.offset) });
    await this.consumer.commitOffsets([{ topic: at.topic, partition: at.partition, offset: (BigInt(last) + 1n).toString() }]);
    at.resolveOffset(last);
  }

  private count(type: string, outcome: Outcome, seconds: number): void {
    countOutcome(this.deps.metrics, type, outcome, seconds);
  }

  /** Sleeps `ms` with a heartbeat at least every few seconds; stop() cuts it short. */
  private async wait(ms: number, at: Partition): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !this.stopping; left = until - Date.now()) {
      await Promise.race([sleep(Math.min(left, HEARTBEAT_MS)), this.stopRequested]);
      await at.heartbeat();
    }
  }
}

export async function runWorker(deps: Deps, opts: WorkerOptions): Promise<Worker> {
  const w = new Worker(deps, opts);
  await w.start();
  return w;
}
