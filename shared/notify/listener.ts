import { Client } from 'pg';
import { pgConnection } from '../orm/pg-tls';
import type { Logger } from '../logger';
import { backoffDelay } from '../retry';

type Handler = (payload: string) => void;

const CHANNELS = ['outbox', 'operation_done', 'row_changed', 'webhook_due'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * One dedicated PostgreSQL connection per process that LISTENs to the platform's channels
 * (`<schema>.outbox`, `<schema>.operation_done`, `<schema>.row_changed`; see the notify and
 * row_changed migrations) and fans
 * notifications out to in-process subscribers. It reconnects by itself; while it is down,
 * subscribers fall back on their slow safety poll, and on every reconnect each channel gets one
 * empty notification so that nobody misses what happened during the gap.
 */
export class PgListener {
  private client: Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly schema: string,
    private readonly logger: Logger,
    /** Startup parameters (shared/orm connectionOptions): the listener runs as the process's role too. */
    private readonly options?: string,
  ) {}

  /** The full channel name of one of the platform's channels in this schema. */
  channel(name: Channel): string {
    return `${this.schema}.${name}`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((err: unknown) => {
      this.logger.warn({ err }, 'notification listener: PostgreSQL not reachable, retrying');
      this.scheduleReconnect();
    });
  }

  on(channel: string, handler: Handler): () => void {
    const set = this.handlers.get(channel) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(channel, set);
    return () => set.delete(handler);
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ ...pgConnection(this.url), ...(this.options ? { options: this.options } : {}) });
    client.on('error', (err) => {
      this.logger.warn({ err }, 'notification listener: connection lost, reconnecting');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => {
      for (const h of this.handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    await client.connect();
    for (const name of CHANNELS) {
      // Channel names are identifiers; the schema name is validated by the config (lowercase, digits, _).
      await client.query(`listen "${this.channel(name)}"`);
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    for (const [, set] of this.handlers) for (const h of set) h('');
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.attempt++;
    this.reconnectTimer = setTimeout(
      () => {
        this.reconnectTimer = null;
        this.connect().catch((err: unknown) => {
          this.logger.debug({ err }, 'notification listener: reconnect failed');
          this.scheduleReconnect();
        });
      },
      backoffDelay(this.attempt, { initialMs: 200, maxMs: 5000 }),
    );
  }
}
