import type { Deps } from '../../shared/container';
import type { Domain } from '../../schemas/catalog';
import { toKafkaHeaders } from '../../shared/kafka';
import { OutboxWriter } from '../../shared/outbox';
import { headersOf } from '../../shared/worker/envelope';

export interface DeadLetter {
  partition: number;
  offset: string;
  operationId: string | null;
  commandType: string | null;
  reason: string;
}

export interface DlqReplayResult {
  domain: Domain;
  dryRun: boolean;
  /** dead letters past the replay cursor */
  letters: DeadLetter[];
  replayed: number;
}

/** The replay cursor: one consumer group per domain, so a dead letter is re-submitted once, whoever runs the CLI. */
export const dlqReplayGroupId = (prefix: string, domain: Domain) => `${prefix}stateset.dlq-replay.${domain}`;

/**
 * `stateset dlq replay --domain <d> [--dry-run]`: re-submits the dead letters of a domain to the
 * command topic they came from, unchanged (bytes, key, the gateway's headers and signature — a forged
 * command stays forged), after the cause was fixed. Each replay gets a `dlq.replayed` audit record, and
 * the cursor moves past it only after both, so a crash replays at most the letter in hand again (the
 * inbox makes that harmless). A dry run lists what would be replayed and moves nothing.
 */
export async function replayDlq(
  deps: Deps,
  domain: Domain,
  opts: { dryRun: boolean; operator: string; onProgress?: (done: number, total: number) => void },
): Promise<DlqReplayResult> {
  const dlqTopic = deps.topics.dlq(domain);
  const commandTopic = deps.topics.commands(domain);
  const groupId = dlqReplayGroupId(deps.config.KAFKA_TOPIC_PREFIX, domain);
  const admin = deps.kafka.admin();
  await admin.connect();
  let remaining: Map<number, bigint>;
  try {
    const highs = await admin.fetchTopicOffsets(dlqTopic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [dlqTopic] });
    const cursor = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    remaining = new Map(
      highs
        .map((h) => {
          const from = cursor.get(h.partition) ?? -1n;
          const start = from < 0n ? BigInt(h.low) : from;
          return [h.partition, BigInt(h.high) - start] as const;
        })
        .filter(([, n]) => n > 0n),
    );
  } finally {
    await admin.disconnect();
  }
  const total = [...remaining.values()].reduce((n, v) => n + Number(v), 0);
  const letters: DeadLetter[] = [];
  let replayed = 0;
  opts.onProgress?.(0, total);
  if (total === 0) return { domain, dryRun: opts.dryRun, letters, replayed };

  const consumer = deps.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const left = remaining.get(partition);
            if (left === undefined || left <= 0n) return;
            const headers = headersOf(message);
            const letter: DeadLetter = {
              partition,
              offset: message.offset,
              operationId: headers['operation-id'] ?? null,
              commandType: headers['command-type'] ?? null,
              reason: headers['dlq-reason'] ?? '',
            };
            letters.push(letter);
            if (!opts.dryRun) {
              if (headers['dlq-original-topic'] !== commandTopic)
                throw new Error(`dead letter ${partition}/${message.offset} came from ${headers['dlq-original-topic']}, not ${commandTopic}`);
              const original = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('dlq-')));
              await deps.publisher.send([
                { topic: commandTopic, key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), headers: toKafkaHeaders(original) },
              ]);
              await deps.orm.em.fork().transactional(async (tx) => {
                new OutboxWriter(tx, deps.topics).audit({
                  action: 'dlq.replayed',
                  outcome: 'success',
                  principal: opts.operator,
                  operationId: letter.operationId,
                  details: {
                    domain,
                    dlqPartition: partition,
                    dlqOffset: message.offset,
                    originalTopic: commandTopic,
                    originalOffset: headers['dlq-original-offset'],
                    reason: letter.reason,
                    claimedTenant: headers['tenant-id'],
                  },
                });
                await tx.flush();
              });
              await consumer.commitOffsets([{ topic: dlqTopic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
              replayed += 1;
            }
            remaining.set(partition, left - 1n);
            opts.onProgress?.(letters.length, total);
            if ([...remaining.values()].every((n) => n <= 0n)) resolve();
          },
        })
        .catch(reject);
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    });
  } finally {
    await consumer.disconnect();
  }
  return { domain, dryRun: opts.dryRun, letters, replayed };
}
