import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startWorker, waitFor, type RunningWorker } from '../../support/platform';
import { publishCommand, readTopic } from '../../support/commands';
import { Inbox, Operation, Outbox } from '../../../shared/orm';
import { Order } from '../../../workers/orders/entities';
import { toKafkaHeaders } from '../../../shared/kafka';

const tenantId = 'tenant-delivery';
const orderPayload = (orderId: string) => ({
  orderId,
  customerId: 'c-1',
  currency: 'EUR',
  items: [{ sku: 'A', quantity: 1, unitPriceMinor: 100 }],
  shippingAddress: null,
  billingAddress: null,
  notes: null,
});

describe('worker delivery semantics (real Kafka, registry, PostgreSQL)', function () {
  this.timeout(90_000);
  let w1: RunningWorker;

  before(async () => {
    w1 = await startWorker('orders');
  });
  after(async () => {
    await w1?.close();
  });

  const op = (id: string) => w1.deps.orm.em.fork().findOne(Operation, { id });

  it('a command delivered twice (same operation id) has one effect and one event', async () => {
    const orderId = randomUUID();
    const operationId = randomUUID();
    await publishCommand(w1.deps, 'order.create.v1', orderPayload(orderId), { tenantId, operationId });
    await publishCommand(w1.deps, 'order.create.v1', orderPayload(orderId), { tenantId, operationId });
    await waitFor('operation succeeded', async () => (await op(operationId))?.status === 'succeeded');
    // Let the second delivery pass through the worker too.
    await waitFor('second delivery counted as duplicate', async () => {
      const m = await w1.deps.metrics.workerCommands.get();
      return m.values.some((v) => v.labels.outcome === 'duplicate' && v.value >= 1);
    });
    const em = w1.deps.orm.em.fork();
    expect(await em.count(Order, { id: orderId })).to.equal(1);
    expect(await em.count(Inbox, { messageId: operationId })).to.equal(1);
    const events = await em
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from outbox where headers->>'event-type' = 'order.created.v1' and payload->>'orderId' = ?`, [orderId]);
    expect(Number(events[0]!.n)).to.equal(1);
    await waitFor('outbox published', async () => (await em.fork().count(Outbox, { publishedAt: null })) === 0);
    const published = (await readTopic(w1.deps.kafka, w1.deps.topics.events('orders'))).filter(
      (m) => m.key === orderId && m.headers['event-type'] === 'order.created.v1',
    );
    expect(published).to.have.length(1);
  });

  it('a poison message goes to the DLQ with error headers and the partition keeps flowing', async () => {
    const key = randomUUID();
    const topic = w1.deps.topics.commands('orders');
    const poisonOp = randomUUID();
    await w1.deps.publisher.send([
      w1.deps.commandSigner.signMessage({
        topic,
        key,
        value: Buffer.from('definitely not avro'),
        headers: toKafkaHeaders({
          'operation-id': poisonOp,
          'command-type': 'order.create.v1',
          'tenant-id': tenantId,
          principal: 'test',
          'request-id': 'r',
          'occurred-at': new Date().toISOString(),
        }),
      }),
    ]);
    // Same key → same partition, right behind the poison message.
    const next = await publishCommand(w1.deps, 'order.create.v1', orderPayload(key), { tenantId });
    await waitFor('next message processed', async () => (await op(next))?.status === 'succeeded');
    const dlq = await waitFor('poison in DLQ', async () => {
      const msgs = await readTopic(w1.deps.kafka, w1.deps.topics.dlq('orders'));
      return msgs.find((m) => m.headers['operation-id'] === poisonOp);
    });
    expect(dlq.headers['dlq-original-topic']).to.equal(topic);
    expect(dlq.headers['dlq-original-partition']).to.match(/^\d+$/);
    expect(dlq.headers['dlq-original-offset']).to.match(/^\d+$/);
    expect(dlq.headers['dlq-reason']).to.match(/undecodable|poison|magic/i);
    expect(dlq.value?.toString()).to.equal('definitely not avro');
    // Its envelope was readable: its operation ends failed (dead-lettered) instead of staying accepted.
    const finished = await waitFor('poison operation failed', async () => ((await op(poisonOp))?.status === 'failed' ? op(poisonOp) : null));
    expect(finished?.error).to.include({ type: 'https://stateset.io/problems/dead-lettered' });
  });

  it('a message without the contract headers goes to the DLQ', async () => {
    const topic = w1.deps.topics.commands('orders');
    const key = randomUUID();
    await w1.deps.publisher.send([{ topic, key, value: Buffer.from([0, 0, 0, 0, 1]), headers: {} }]);
    const msg = await waitFor('headerless message in DLQ', async () =>
      (await readTopic(w1.deps.kafka, w1.deps.topics.dlq('orders'))).find((m) => m.key === key),
    );
    expect(msg.headers['dlq-reason']).to.match(/missing headers/);
  });

  it('a domain rule violation finishes the operation as failed with a problem and changes nothing', async () => {
    const orderId = randomUUID();
    const created = await publishCommand(w1.deps, 'order.create.v1', orderPayload(orderId), { tenantId });
    await waitFor('created', async () => (await op(created))?.status === 'succeeded');
    const failing = await publishCommand(w1.deps, 'order.transition.v1', { orderId, to: 'delivered', reason: null }, { tenantId });
    const failed = await waitFor('operation failed', async () => {
      const o = await op(failing);
      return o?.status === 'failed' ? o : null;
    });
    expect(failed.error).to.include({ status: 409, title: 'Invalid state transition' });
    expect((await w1.deps.orm.em.fork().findOneOrFail(Order, { id: orderId })).status).to.equal('pending');
  });
});
