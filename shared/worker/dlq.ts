import type { KafkaMessage } from 'kafkajs';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { toKafkaHeaders } from '../kafka';
import { isRetriable } from '../errors';
import { retrying } from '../retry';
import { envelopeOf, headersOf, typeOf, type Envelope } from './envelope';
import { failDeadLettered } from './apply';

/** Where a consumed message came from. */
export interface Origin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** DLQ writes retry faster than commands: nothing else can move on the partition meanwhile. */
export const DLQ_BACKOFF = { initialMs: 200, maxMs: 5000 };

/**
 * Copies a message to its domain's DLQ with the original headers plus `dlq-*` error headers.
 * The DLQ write must succeed before the offset moves on: a retriable failure is retried with the
 * shared backoff (`wait` sleeps and keeps the consumer alive) until `stopping()` says to give up.
 */
export async function sendToDlq(
  deps: Deps,
  domain: Domain,
  { topic, partition, message }: Origin,
  err: unknown,
  wait: (ms: number) => Promise<void>,
  stopping: () => boolean,
): Promise<void> {
  const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
  const outgoing = {
    topic: deps.topics.dlq(domain),
    key: message.key?.toString() ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: toKafkaHeaders({
      ...headersOf(message),
      'dlq-reason': reason,
      'dlq-error': err instanceof Error ? err.name : 'Error',
      'dlq-original-topic': topic,
      'dlq-original-partition': String(partition),
      'dlq-original-offset': message.offset,
      'dlq-at': new Date().toISOString(),
    }),
  };
  await retrying(() => deps.publisher.send([outgoing]), {
    policy: DLQ_BACKOFF,
    giveUp: (sendErr) => !isRetriable(sendErr) || stopping(),
    wait,
  });
  deps.metrics.dlqMessages.inc({ topic });
  deps.metrics.workerCommands.inc({ type: typeOf(message), outcome: 'dlq' });
  deps.logger.error({ err, topic, partition, offset: message.offset }, 'message sent to DLQ');
}

/**
 * After the DLQ write: the command's operation ends `failed` (apply.ts failDeadLettered), retried on
 * its own so the DLQ copy is never sent twice. `env` is the parsed envelope when the message got that
 * far; otherwise it is read here, and a message without a readable one has no operation to finish.
 */
export async function finishDeadLettered(
  deps: Deps,
  message: KafkaMessage,
  parsed: Envelope | null,
  err: unknown,
  wait: (ms: number) => Promise<void>,
  stopping: () => boolean,
): Promise<void> {
  let env = parsed;
  if (!env) {
    try {
      env = envelopeOf(message);
    } catch {
      env = null;
    }
  }
  const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
  try {
    await retrying(() => failDeadLettered(deps, env, reason), { policy: DLQ_BACKOFF, giveUp: (e) => !isRetriable(e) || stopping(), wait });
  } catch (e) {
    deps.logger.error({ err: e, operationId: env?.operationId }, "a dead-lettered command's operation could not be marked failed; it stays accepted");
  }
}
