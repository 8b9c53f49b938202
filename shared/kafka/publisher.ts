import { CompressionTypes, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { DependencyUnavailableError } from '../errors';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers: IHeaders;
}

/**
 * Idempotent producer with acks=all. `send` resolves only once the broker acknowledged; any
 * failure becomes a retriable DependencyUnavailableError so callers never half-accept.
 */
export class Publisher {
  private producer: Producer;
  private connecting: Promise<void> | null = null;
  private connected = false;

  constructor(private readonly kafka: Kafka, private readonly timeoutMs: number) {
    this.producer = this.makeProducer();
  }

  private makeProducer(): Producer {
    const p = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    p.on(p.events.DISCONNECT, () => {
      this.connected = false;
    });
    return p;
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    if (!this.connecting) {
      this.connecting = this.producer
        .connect()
        .then(() => {
          this.connected = true;
        })
        .finally(() => {
          this.connecting = null;
        });
    }
    await this.connecting;
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await this.ensureConnected();
          await this.producer.sendBatch({
            acks: -1,
            compression: CompressionTypes.None,
            topicMessages: [...byTopic].map(([topic, ms]) => ({
              topic,
              messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
            })),
          });
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (err) {
      // A timed-out or failed producer may be in an unknown state: start from a fresh one.
      await this.reset();
      throw new DependencyUnavailableError('kafka', err instanceof Error ? err.message : String(err), err);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async reset(): Promise<void> {
    const old = this.producer;
    this.producer = this.makeProducer();
    this.connected = false;
    void old.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
