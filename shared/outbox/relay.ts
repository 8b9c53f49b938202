import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Publisher } from '../kafka';
import type { SchemaCodec } from '../registry';
import type { PgListener } from '../notify';
import { toKafkaHeaders } from '../kafka';
import { isRetriable } from '../errors';
import { backoffDelay } from '../retry';

interface PendingRow {
  id: string;
  topic: string;
  message_key: string;
  schema_file: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
  publish_attempts: number;
}

const BACKLOG_OBSERVE_MS = 5000;

/** Any fixed number works; it only has to be the same for every relay process. */
const RELAY_LOCK_ID = 0x5e75e7;

/**
 * Publishes outbox rows in id order and marks them sent. One relay at a time holds the advisory
 * lock for the whole transaction (every statement runs inside it: `tx.execute`), so exactly one
 * relay publishes a row, and rows of one aggregate leave in the order they were written, across
 * processes. The relay is woken by the outbox's NOTIFY (shared/notify); `pollMs` is only the
 * safety net for a lost notification or a relay that held the lock when the notification came.
 * A relay that stops between publishing a batch and marking it sent (a crash) leaves that batch
 * unmarked: the next relay publishes it again — only that batch — and counts its rows in
 * stateset_outbox_republished_total (publish_attempts > 0).
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private backlogObservedAt = 0;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: Publisher,
    private readonly codec: SchemaCodec,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly pollMs: number,
    private readonly listener?: PgListener,
    private readonly batchSize = 500,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.listener) this.unsubscribe = this.listener.on(this.listener.channel('outbox'), () => this.wake());
    const loop = async () => {
      while (!this.stopped) {
        this.running = this.drain().then(() => undefined);
        await this.running;
        // While Kafka or the registry is down, back off (notifications do not cut it short), so
        // neither the log nor the dependency is flooded.
        if (this.failures > 0) await this.sleepUntilWoken(backoffDelay(this.failures, { initialMs: this.pollMs, maxMs: 5000 }), false);
        else await this.sleepUntilWoken(this.pollMs, true);
      }
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake();
    await this.running;
    await this.drain().catch(() => undefined);
  }

  private wake(): void {
    if (this.wakeUp && (this.failures === 0 || this.stopped)) this.wakeUp();
    else this.pendingWake = true;
  }

  private sleepUntilWoken(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.pendingWake)) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.wakeUp = null;
        this.pendingWake = false;
        resolve();
      };
    });
  }

  /** Publishes until the outbox is empty or a publish fails; returns how many rows were sent. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      let sent: number;
      try {
        sent = await this.publishBatch();
        this.failures = 0;
      } catch (err) {
        this.failures++;
        const level = isRetriable(err) ? 'warn' : 'error';
        this.logger[level]({ err }, 'outbox relay: publish failed, will retry');
        break;
      }
      total += sent;
      if (sent < this.batchSize) break;
    }
    // The backlog gauges need no more than a scrape's resolution; not a count query every poll.
    if (Date.now() - this.backlogObservedAt >= BACKLOG_OBSERVE_MS) {
      this.backlogObservedAt = Date.now();
      await this.observeBacklog().catch(() => undefined);
    }
    return total;
  }

  private async publishBatch(): Promise<number> {
    return this.orm.em.fork().transactional(async (tx) => {
      const [lock] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [RELAY_LOCK_ID]);
      if (!lock?.locked) return 0;
      const rows = await tx.execute<PendingRow[]>(
        `select id, topic, message_key, schema_file, payload, headers, publish_attempts
         from outbox where published_at is null order by id limit ?`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const ids = `{${rows.map((r) => r.id).join(',')}}`;
      // Committed on its own before publishing, so that it survives a crash after the publish.
      await this.orm.em.fork().execute('update outbox set publish_attempts = publish_attempts + 1 where id = any(?::bigint[])', [ids]);
      const messages = await Promise.all(
        rows.map(async (r) => ({
          topic: r.topic,
          key: r.message_key,
          value: await this.codec.encode(r.topic, r.schema_file, r.payload),
          headers: toKafkaHeaders(r.headers),
        })),
      );
      await this.publisher.send(messages);
      await tx.execute('update outbox set published_at = now() where id = any(?::bigint[])', [ids]);
      const again = rows.filter((r) => r.publish_attempts > 0).length;
      if (again > 0) {
        this.metrics.outboxRepublished.inc(again);
        this.logger.warn({ rows: again }, 'outbox relay: re-published rows a previous relay had published but not marked');
      }
      this.metrics.outboxPublished.inc(rows.length);
      return rows.length;
    });
  }

  private async observeBacklog(): Promise<void> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ n: string; age: number | null }[]>(
        'select count(*) as n, extract(epoch from now() - min(created_at))::float as age from outbox where published_at is null',
      );
    this.metrics.outboxBacklog.set(Number(row?.n ?? 0));
    this.metrics.outboxOldestAge.set(row?.age ?? 0);
  }
}
