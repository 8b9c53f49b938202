/**
 * Baseline: the naive way to put HTTP in front of Kafka. express.json + zod validation, then one
 * `await producer.send()` per request (kafkajs, acks=-1, idempotent, one request in flight) to
 * BENCH_NAIVE_TOPIC, then 202. No auth, no rate limit, no idempotency, no Avro, no operation row.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { orderCreateBody } from '../../../schemas/http/orders';

async function main(): Promise<void> {
  const topic = process.env.BENCH_NAIVE_TOPIC!;
  const kafka = new Kafka({
    clientId: 'bench-naive',
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.ERROR,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.post('/v1/orders', async (req, res) => {
    const parsed = orderCreateBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ title: 'invalid body', errors: parsed.error.issues });
      return;
    }
    const id = randomUUID();
    const orderId = randomUUID();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: orderId, value: JSON.stringify({ orderId, ...parsed.data }), headers: { 'operation-id': id } }],
      });
    } catch {
      res.status(503).json({ title: 'kafka unavailable' });
      return;
    }
    const now = new Date().toISOString();
    res
      .status(202)
      .location(`/v1/operations/${id}`)
      .set('retry-after', '1')
      .json({ id, type: 'order.create.v1', status: 'accepted', done: false, createdAt: now, updatedAt: now });
  });
  const server = app.listen(Number(process.env.HTTP_PORT), '127.0.0.1', () => console.log('listening'));
  process.on('SIGTERM', () => server.close(() => void producer.disconnect().finally(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
