import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Publisher } from '../kafka';
import type { SchemaCodec } from '../registry';
import { toKafkaHeaders } from '../kafka';
import { isRetriable } from '../errors';

interface PendingRow {
  id: string;
  topic: string;
  message_key: string;
  schema_file: string;
  payload: Record<string, unknown>;
  headers: Record<string, string>;
}

const BACKLOG_OBSERVE_MS = 5000;

/** Any fixed number works; it only has to be the same for every relay process. */
const RELAY_LOCK_ID = 0x5e75e7;

/**
 * Publishes outbox rows in id order and marks them sent. One relay at a time holds the advisory
 * lock, so rows of one aggregate leave in the order they were written, across processes.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private backlogObservedAt = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: Publisher,
    private readonly codec: SchemaCodec,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly pollMs: number,
    private readonly batchSize = 200,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.drain().then(() => undefined);
      await this.running;
      // Back off while Kafka or the registry is down, so the log is not flooded.
      if (!this.stopped) this.timer = setTimeout(loop, Math.min(5000, this.pollMs * 2 ** Math.min(this.failures, 10)));
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.drain().catch(() => undefined);
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
        this.logger[level]({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay: publish failed, will retry');
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
    const em = this.orm.em.fork();
    return em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const [lock] = await conn.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [RELAY_LOCK_ID]);
      if (!lock?.locked) return 0;
      const rows = await conn.execute<PendingRow[]>(
        'select id, topic, message_key, schema_file, payload, headers from outbox where published_at is null order by id limit ?',
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const messages = [];
      for (const r of rows) {
        messages.push({
          topic: r.topic,
          key: r.message_key,
          value: await this.codec.encode(r.topic, r.schema_file, r.payload),
          headers: toKafkaHeaders(r.headers),
        });
      }
      await this.publisher.send(messages);
      await conn.execute('update outbox set published_at = now() where id = any(?::bigint[])', [`{${rows.map((r) => r.id).join(',')}}`]);
      return rows.length;
    });
  }

  private async observeBacklog(): Promise<void> {
    const [row] = await this.orm.em.fork().getConnection().execute<{ n: string; age: number | null }[]>(
      'select count(*) as n, extract(epoch from now() - min(created_at))::float as age from outbox where published_at is null',
    );
    this.metrics.outboxBacklog.set(Number(row?.n ?? 0));
    this.metrics.outboxOldestAge.set(row?.age ?? 0);
  }
}
