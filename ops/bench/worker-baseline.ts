/**
 * Baseline for the worker scenario: one transaction per message. Consumes BENCH_BASELINE_TOPIC
 * (pre-filled with order.create.v1 commands) as group BENCH_BASELINE_GROUP with kafkajs
 * eachMessage, and applies each command in its own transaction: inbox claim, the orders handler,
 * operation upsert, audit record in the outbox, commit; then commits that message's offset. The
 * process also runs the outbox relay the way a worker process does (startWorkerHost with no
 * domains), so both sides pay for publishing their events and audit records.
 */
import type { KafkaMessage } from 'kafkajs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../../shared/config';
import { createContainer, type Deps } from '../../shared/container';
import { Inbox, Operation, type OperationRow } from '../../shared/orm';
import { OutboxWriter } from '../../shared/outbox';
import { readHeader } from '../../shared/kafka';
import { startWorkerHost, type CommandHandler, type HandlerContext } from '../../shared/worker';
import { orderHandlers } from '../../workers/orders/handlers';

const handlers = new Map<string, CommandHandler<never>>(orderHandlers.map((h) => [h.command, h]));

async function apply(deps: Deps, message: KafkaMessage): Promise<void> {
  const h = (n: string) => readHeader(message.headers, n) ?? '';
  const env = { operationId: h('operation-id'), tenantId: h('tenant-id'), principal: h('principal'), requestId: h('request-id') };
  const type = h('command-type');
  const handler = handlers.get(type);
  if (!handler) throw new Error(`no handler for ${type}`);
  const payload = await deps.codec.decode(message.value);
  await deps.orm.em.fork().transactional(async (tx: EntityManager) => {
    const claim = await tx
      .createQueryBuilder(Inbox)
      .insert({ consumer: 'orders', messageId: env.operationId, messageType: type, processedAt: new Date() })
      .onConflict(['consumer', 'messageId'])
      .ignore()
      .execute('run');
    if ((claim.affectedRows ?? 0) !== 1) return;
    const outbox = new OutboxWriter(tx, deps.topics);
    const ctx: HandlerContext = {
      ...env,
      em: tx,
      outbox,
      logger: deps.logger,
      emit: (t, p, about) => outbox.event(t, p, env, about),
      stateChanged: (resourceType, resourceId, from, to, details) => {
        outbox.audit({
          ...env,
          action: `${resourceType}.state_changed`,
          outcome: 'success',
          resourceType,
          resourceId,
          details: { from, to, commandType: type, ...details },
        });
      },
    };
    const resource = await handler.handle(payload as never, ctx);
    const now = new Date();
    const row: OperationRow = {
      id: env.operationId,
      tenantId: env.tenantId,
      type,
      status: 'succeeded',
      principal: env.principal,
      requestId: env.requestId,
      resourceType: resource.type,
      resourceId: resource.id,
      error: null,
      createdAt: new Date(h('occurred-at') || now),
      updatedAt: now,
    };
    await tx.createQueryBuilder(Operation).insert(row).onConflict('id').merge(['status', 'error', 'updatedAt', 'resourceType', 'resourceId']).execute('run');
    outbox.audit({
      ...env,
      action: 'command.succeeded',
      outcome: 'success',
      resourceType: resource.type,
      resourceId: resource.id,
      details: { commandType: type },
    });
    await tx.flush();
  });
}

async function main(): Promise<void> {
  const deps = await createContainer(loadConfig(), 'bench-baseline-worker');
  const host = await startWorkerHost(deps, []);
  const consumer = deps.kafka.consumer({
    groupId: process.env.BENCH_BASELINE_GROUP!,
    allowAutoTopicCreation: false,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [process.env.BENCH_BASELINE_TOPIC!], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachMessage: async ({ topic, partition, message }) => {
      await apply(deps, message);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  console.log('baseline worker started');
  process.once('SIGTERM', () => {
    void (async () => {
      await consumer.disconnect();
      await host.stop();
      await deps.close();
      process.exit(0);
    })();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
