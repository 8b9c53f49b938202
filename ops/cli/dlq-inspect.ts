import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Config } from '../../shared/config';
import { createKafka, kafkaOptions } from '../../shared/kafka';
import { headersOf } from '../../shared/worker/envelope';
import { topicNames } from '../../schemas/topics';
import type { Domain } from '../../schemas/catalog';
import { dlqReplayGroupId, type DeadLetter } from './dlq';
import { cliLogger } from './config';

export interface ListedDeadLetter extends DeadLetter {
  /** the replay cursor has passed it: `dlq replay` re-submitted it already */
  replayed: boolean;
  timestamp: string;
}

export interface ShownDeadLetter extends ListedDeadLetter {
  key: string | null;
  headers: Record<string, string>;
  valueBytes: number;
  /** the Avro payload as the registry decodes it; null when it does not decode (the reason is in decodeError) */
  value: Record<string, unknown> | null;
  decodeError: string | null;
  valueBase64: string;
}

interface Range {
  partition: number;
  from: bigint;
  /** exclusive */
  to: bigint;
}

function letterOf(partition: number, m: KafkaMessage, cursor: Map<number, bigint>): ListedDeadLetter {
  const h = headersOf(m);
  return {
    partition,
    offset: m.offset,
    operationId: h['operation-id'] ?? null,
    commandType: h['command-type'] ?? null,
    reason: h['dlq-reason'] ?? '',
    replayed: BigInt(m.offset) < (cursor.get(partition) ?? -1n),
    timestamp: new Date(Number(m.timestamp)).toISOString(),
  };
}

/**
 * Reads the given offset ranges of a dead-letter topic once, under a consumer group of its own that
 * commits nothing: looking never moves the replay cursor.
 */
async function readRanges(
  kafka: Kafka,
  config: Config,
  topic: string,
  ranges: Range[],
  onMessage: (partition: number, m: KafkaMessage) => void,
): Promise<void> {
  const left = new Map(ranges.filter((r) => r.to > r.from).map((r) => [r.partition, r]));
  if (left.size === 0) return;
  const consumer = kafka.consumer({
    groupId: `${config.KAFKA_TOPIC_PREFIX}stateset.dlq-inspect.${randomBytes(4).toString('hex')}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const r = left.get(partition);
            const at = BigInt(message.offset);
            if (!r || at < r.from) return;
            if (at < r.to) onMessage(partition, message);
            if (at >= r.to - 1n) left.delete(partition);
            if (left.size === 0) resolve();
          },
        })
        .then(() => {
          for (const r of left.values()) consumer.seek({ topic, partition: r.partition, offset: r.from.toString() });
        }, reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function offsets(kafka: Kafka, config: Config, domain: Domain) {
  const topic = topicNames(config.KAFKA_TOPIC_PREFIX).dlq(domain);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const highs = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: dlqReplayGroupId(config.KAFKA_TOPIC_PREFIX, domain), topics: [topic] });
    const cursor = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return { topic, highs: highs.map((h) => ({ partition: h.partition, low: BigInt(h.low), high: BigInt(h.high) })), cursor };
  } finally {
    await admin.disconnect();
  }
}

/** `stateset dlq list`: the dead letters a domain's DLQ topic still holds (oldest first per partition), each marked replayed or not. */
export async function listDeadLetters(
  config: Config,
  domain: Domain,
  opts: { limit: number; pending: boolean },
): Promise<{ letters: ListedDeadLetter[]; total: number }> {
  const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-dlq-list`), cliLogger(config, 'dlq-list', 'fatal'));
  const { topic, highs, cursor } = await offsets(kafka, config, domain);
  const ranges = highs.map((h) => {
    const replayedTo = cursor.get(h.partition) ?? -1n;
    const from = opts.pending && replayedTo > h.low ? replayedTo : h.low;
    return { partition: h.partition, from, to: h.high };
  });
  const total = ranges.reduce((n, r) => n + Number(r.to > r.from ? r.to - r.from : 0n), 0);
  const letters: ListedDeadLetter[] = [];
  await readRanges(kafka, config, topic, ranges, (p, m) => letters.push(letterOf(p, m, cursor)));
  letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return { letters: letters.slice(0, opts.limit), total };
}

/** `stateset dlq show`: one dead letter whole — its headers (why, where from) and its payload decoded where it decodes. */
export async function showDeadLetter(config: Config, domain: Domain, partition: number, offset: string): Promise<ShownDeadLetter | null> {
  const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-dlq-show`), cliLogger(config, 'dlq-show', 'fatal'));
  const { topic, highs, cursor } = await offsets(kafka, config, domain);
  const at = BigInt(offset);
  const h = highs.find((x) => x.partition === partition);
  if (!h || at < h.low || at >= h.high) return null;
  let found: KafkaMessage | null = null;
  await readRanges(kafka, config, topic, [{ partition, from: at, to: at + 1n }], (_p, m) => (found = m));
  const message = found as KafkaMessage | null;
  if (!message) return null;
  const { SchemaCodec } = await import('../../shared/registry/index.js');
  let value: Record<string, unknown> | null = null;
  let decodeError: string | null = null;
  try {
    value = await SchemaCodec.create(config.SCHEMA_REGISTRY_URL).decode(message.value);
  } catch (err) {
    decodeError = err instanceof Error ? err.message : String(err);
  }
  return {
    ...letterOf(partition, message, cursor),
    key: message.key?.toString() ?? null,
    headers: headersOf(message),
    valueBytes: message.value?.length ?? 0,
    value,
    decodeError,
    valueBase64: (message.value ?? Buffer.alloc(0)).toString('base64'),
  };
}
