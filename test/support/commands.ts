import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Deps } from '../../shared/container';
import { findCommand } from '../../schemas/catalog';
import { toKafkaHeaders, type OutgoingMessage } from '../../shared/kafka';

/** Publishes a command straight to its topic, as the gateway would; returns its operation id. */
export async function publishCommand(
  deps: Deps,
  type: string,
  payload: Record<string, unknown>,
  opts: {
    tenantId: string;
    operationId?: string;
    /** how it is signed (default: as the gateway signs, with the deps' key); the forged-command tests change it */
    sign?: (m: OutgoingMessage) => OutgoingMessage;
  },
): Promise<string> {
  const def = findCommand(type);
  if (!def) throw new Error(`unknown command ${type}`);
  const operationId = opts.operationId ?? randomUUID();
  const topic = deps.topics.commands(def.domain);
  // Signed as the gateway signs: the workers refuse an unsigned command as forged.
  const sign = opts.sign ?? ((m: OutgoingMessage) => deps.commandSigner.signMessage(m));
  await deps.publisher.send([
    sign({
      topic,
      key: String(payload[def.keyField]),
      value: await deps.codec.encode(topic, def.schemaFile, payload),
      headers: toKafkaHeaders({
        'operation-id': operationId,
        'command-type': type,
        'tenant-id': opts.tenantId,
        principal: 'test',
        'request-id': `test-${operationId}`,
        'occurred-at': new Date().toISOString(),
      }),
    }),
  ]);
  return operationId;
}

/** Reads every message of a topic from the beginning (for assertions on what was published). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 5000,
): Promise<{ key: string; value: Buffer | null; headers: Record<string, string>; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const out: { key: string; value: Buffer | null; headers: Record<string, string>; partition: number; offset: string }[] = [];
  if (expected === 0) return out;
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length}/${expected} messages of ${topic}`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(Array.isArray(v) ? v[0] : v);
        out.push({ key: message.key?.toString() ?? '', value: message.value, headers, partition, offset: message.offset });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

/** High-water offsets summed over a topic's partitions. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}
