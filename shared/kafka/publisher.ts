import { CompressionTypes, Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { DependencyUnavailableError } from '../errors';
import { kafkajsRetry } from '../retry';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers: IHeaders;
}

interface Pending {
  messages: OutgoingMessage[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Most messages one produce request carries when many callers wait at once. */
const MAX_BATCH_MESSAGES = 500;

/**
 * Idempotent producer with acks=all. `send` resolves only once the broker acknowledged; any
 * failure becomes a retriable DependencyUnavailableError so callers never half-accept.
 * The idempotent producer allows one request in flight, so callers that arrive while one is
 * under way are sent together in the next request instead of queueing one by one.
 */
export class Publisher {
  private producer: Producer;
  private connecting: Promise<void> | null = null;
  private connected = false;
  private readonly queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly timeoutMs: number,
  ) {
    this.producer = this.makeProducer();
  }

  private makeProducer(): Producer {
    const p = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Chosen explicitly (kafkajs warns otherwise): the Java client's murmur2 partitioner, so a key
      // lands on the same partition whichever client produced it.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: kafkajsRetry({ initialMs: 100, maxMs: 1000 }, 2),
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
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.messages.length <= MAX_BATCH_MESSAGES)) {
          const next = this.queue.shift()!;
          size += next.messages.length;
          batch.push(next);
        }
        try {
          await this.sendNow(batch.flatMap((b) => b.messages));
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async sendNow(messages: OutgoingMessage[]): Promise<void> {
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
