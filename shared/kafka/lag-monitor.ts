import type { Admin, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { Logger } from '../logger';

/**
 * Consumer lag from the broker (high watermark − committed offset), refreshed on a timer, so a
 * stuck consumer still shows growing lag and partitions that moved away do not keep stale values.
 */
export class LagMonitor {
  private admin: Admin | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly gauge: Gauge<string>,
    private readonly logger: Logger,
    private readonly labels: (topic: string, partition: number) => Record<string, string>,
    private readonly everyMs = 10_000,
  ) {}

  start(): void {
    const tick = () => {
      this.refresh().catch((err: unknown) => this.logger.debug({ err }, 'lag refresh failed'));
    };
    this.timer = setInterval(tick, this.everyMs);
    tick();
  }

  async refresh(): Promise<void> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    this.gauge.reset();
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const c = partitions.find((p) => p.partition === end.partition);
        const from = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(end.low);
        this.gauge.set(this.labels(topic, end.partition), Math.max(0, Number(end.high) - from));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }
}
