/**
 * Smoke test of the local Kafka broker and schema registry started by ops/infra/up.sh, with the
 * exact client versions the project uses (KafkaJS 2.2.4, @kafkajs/confluent-schema-registry).
 *
 *   source .infra/env && npx tsx ops/infra/smoke/kafkajs-smoke.ts
 *
 * Checks: admin describeCluster + createTopics; auto topic creation really off; idempotent
 * producer (acks=all) → consumer group receives; transactional producer commit (transaction
 * state log works on one node); schema registry register + encode + decode through the ccompat
 * API with subject <topic>-<record full name>; BACKWARD compatibility enforced (compatible v2
 * accepted, incompatible v3 refused). Exits 1 on the first failure.
 */
import { Kafka, logLevel, type EachMessagePayload } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const runId = `${Date.now()}-${process.pid}`;
const topic = `infra-smoke-${runId}`;
const started = Date.now();

function step(msg: string): void {
  console.log(`[kafkajs-smoke +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const recordV1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'stateset.smoke',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
  ],
};
// BACKWARD-compatible: new field with a default.
const recordV2 = { ...recordV1, fields: [...recordV1.fields, { name: 'note', type: 'string', default: '' }] };
// BACKWARD-incompatible: new field without a default.
const recordV3 = { ...recordV1, fields: [...recordV2.fields, { name: 'required', type: 'long' }] };

async function main(): Promise<void> {
  step(`brokers=${brokers.join(',')} registry=${registryUrl} topic=${topic}`);
  const kafka = new Kafka({ clientId: 'infra-smoke', brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });

  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  step(`describeCluster: ${cluster.brokers.length} broker(s), controller ${cluster.controller}, cluster ${cluster.clusterId}`);
  assert(cluster.brokers.length === 1, 'one broker');

  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  assert(created, 'createTopics returned true for a new topic');
  step('admin.createTopics ok');

  // auto.create.topics.enable=false: asking for metadata of an unknown topic must not create it.
  const ghost = `${topic}-never-created`;
  await admin.fetchTopicMetadata({ topics: [ghost] }).then(
    () => {
      throw new Error(`topic ${ghost} exists: broker auto-created it`);
    },
    (err: Error) => step(`unknown topic not auto-created (${err.name})`),
  );

  // Schema registry (Confluent API served by Apicurio).
  const registry = new SchemaRegistry({ host: registryUrl });
  const subject = `${topic}-${recordV1.namespace}.${recordV1.name}`;
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(recordV1) }, { subject });
  step(`registered ${subject} as schema id ${id}`);
  const value = { id: runId, n: 42 };
  const encoded = await registry.encode(id, value);
  assert(encoded.readUInt8(0) === 0 && encoded.readInt32BE(1) === id, 'Confluent wire format header (magic 0 + schema id)');

  // Idempotent producer, acks=all.
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  await producer.connect();
  const res = await producer.send({ topic, acks: -1, messages: [{ key: runId, value: encoded }] });
  step(`idempotent produce ok (partition ${res[0]?.partition}, offset ${res[0]?.baseOffset})`);

  // Transactional producer: needs __transaction_state with RF 1 / min ISR 1.
  const txProducer = kafka.producer({
    idempotent: true,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
    transactionalId: `infra-smoke-tx-${runId}`,
  });
  await txProducer.connect();
  const tx = await txProducer.transaction();
  await tx.send({ topic, acks: -1, messages: [{ key: `${runId}-tx`, value: await registry.encode(id, { id: `${runId}-tx`, n: 43 }) }] });
  await tx.commit();
  step('transactional produce + commit ok');

  // Consumer group receives both messages.
  const consumer = kafka.consumer({ groupId: `infra-smoke-${runId}`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Array<{ id: string; n: number }> = [];
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }: EachMessagePayload) => {
            assert(message.value, 'message has a value');
            received.push((await registry.decode(message.value)) as { id: string; n: number });
            if (received.length >= 2) resolve();
          },
        })
        .catch(reject);
    }),
    45_000,
    'consumer group receiving 2 messages',
  );
  assert(received[0]?.id === runId && received[0]?.n === 42, `decoded value round-trips (got ${JSON.stringify(received[0])})`);
  assert(received[1]?.id === `${runId}-tx`, 'transactional message received');
  step(`consumer group received and decoded ${received.length} messages`);

  // BACKWARD compatibility is enforced by the registry.
  const v2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(recordV2) }, { subject });
  assert(v2.id !== id, 'compatible v2 gets a new id');
  step(`compatible v2 accepted (id ${v2.id})`);
  const v3 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(recordV3) }, { subject }).then(
    () => 'accepted',
    (err: Error) => `refused: ${err.message}`,
  );
  assert(v3.startsWith('refused'), 'BACKWARD-incompatible v3 must be refused');
  step(`incompatible v3 ${v3.slice(0, 120)}`);

  await consumer.disconnect();
  await producer.disconnect();
  await txProducer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  step('OK');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[kafkajs-smoke] FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
