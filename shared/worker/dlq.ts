import type { KafkaMessage } from 'kafkajs';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { toKafkaHeaders } from '../kafka';
import { isRetriable } from '../errors';
import { retrying } from '../retry';
import { headersOf, typeOf } from './envelope';

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
  deps: Deps, domain: Domain, { topic, partition, message }: Origin, err: unknown,
  wait: (ms: number) => Promise<void>, stopping: () => boolean,
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
  await retrying(() => deps.publisher.send([outgoing]), { policy: DLQ_BACKOFF, giveUp: (sendErr) => !isRetriable(sendErr) || stopping(), wait });
  deps.metrics.dlqMessages.inc({ topic });
  deps.metrics.workerCommands.inc({ type: typeOf(message), outcome: 'dlq' });
  deps.logger.error({ err, topic, partition, offset: message.offset }, 'message sent to DLQ');
}
