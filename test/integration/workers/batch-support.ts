import { randomUUID } from 'node:crypto';
import type { Deps } from '../../../shared/container';
import type { Domain } from '../../../schemas/catalog';
import { findCommand } from '../../../schemas/catalog';
import { toKafkaHeaders } from '../../../shared/kafka';

export interface BatchCommand {
  type: string;
  payload?: Record<string, unknown>;
  /** Raw value instead of the Avro encoding of `payload` (an undecodable message). */
  value?: Buffer;
  operationId?: string;
}

export interface Published {
  operationIds: string[];
  partition: number;
  /** Offsets of the commands, in order. */
  offsets: string[];
}

/**
 * Publishes commands of one domain in ONE produce request under ONE key, so they land in order on
 * one partition as one record batch (the worker fetches them together); returns where they went.
 */
export async function publishBatch(deps: Deps, domain: Domain, key: string, cmds: BatchCommand[], tenantId: string): Promise<Published> {
  const topic = deps.topics.commands(domain);
  const before = await highWatermarks(deps, topic);
  const operationIds = cmds.map((c) => c.operationId ?? randomUUID());
  const messages = [];
  for (const [i, c] of cmds.entries()) {
    const def = findCommand(c.type);
    if (!def) throw new Error(`unknown command ${c.type}`);
    messages.push(
      deps.commandSigner.signMessage({
        topic,
        key,
        value: c.value ?? (await deps.codec.encode(topic, def.schemaFile, c.payload ?? {})),
        headers: toKafkaHeaders({
          'operation-id': operationIds[i]!,
          'command-type': c.type,
          'tenant-id': tenantId,
          principal: 'test',
          'request-id': `test-${operationIds[i]}`,
          'occurred-at': new Date().toISOString(),
        }),
      }),
    );
  }
  await deps.publisher.send(messages);
  const after = await highWatermarks(deps, topic);
  const grown = [...after].filter(([p, high]) => high - (before.get(p) ?? 0) > 0);
  if (grown.length !== 1) throw new Error(`expected the batch on one partition, grew: ${JSON.stringify(grown)}`);
  const [partition, high] = grown[0]!;
  const first = high - cmds.length;
  return { operationIds, partition, offsets: cmds.map((_, i) => String(first + i)) };
}

export async function highWatermarks(deps: Deps, topic: string): Promise<Map<number, number>> {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** The offset the group committed for a partition (-1: none). */
export async function committedOffset(deps: Deps, domain: Domain, partition: number): Promise<number> {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const groupId = `${deps.config.KAFKA_TOPIC_PREFIX}stateset.worker.${domain}`;
    const [t] = await admin.fetchOffsets({ groupId, topics: [deps.topics.commands(domain)] });
    return Number(t?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

export const orderPayload = (orderId: string, customerId = 'c-batch') => ({
  orderId,
  customerId,
  currency: 'EUR',
  items: [{ sku: 'A', quantity: 2, unitPriceMinor: 150 }],
  shippingAddress: null,
  billingAddress: null,
  notes: null,
});

/** Per operation: order rows, operation status, order.created and command.succeeded outbox rows, inbox rows. */
export async function effects(deps: Deps, operationIds: string[], orderIds: string[]) {
  const conn = deps.orm.em.fork().getConnection();
  const list = (ids: string[]) => `{${ids.join(',')}}`;
  const rows = async (sql: string, ids: string[]) => new Map((await conn.execute<{ k: string; n: string }[]>(sql, [list(ids)])).map((r) => [r.k, Number(r.n)]));
  return {
    orders: await rows(`select id::text as k, count(*) as n from orders where id = any(?::uuid[]) group by id`, orderIds),
    created: await rows(
      `select payload->>'orderId' as k, count(*) as n from outbox
      where headers->>'event-type' = 'order.created.v1' and payload->>'orderId' = any(?::text[]) group by 1`,
      orderIds,
    ),
    succeededAudits: await rows(
      `select headers->>'operation-id' as k, count(*) as n from outbox
      where headers->>'event-type' = 'audit.command.succeeded' and headers->>'operation-id' = any(?::text[]) group by 1`,
      operationIds,
    ),
    inbox: await rows(
      `select message_id::text as k, count(*) as n from inbox where consumer = 'orders' and message_id = any(?::uuid[]) group by 1`,
      operationIds,
    ),
    status: new Map(
      (
        await conn.execute<{ id: string; status: string }[]>(`select id::text as id, status from operations where id = any(?::uuid[])`, [list(operationIds)])
      ).map((r) => [r.id, r.status]),
    ),
  };
}
