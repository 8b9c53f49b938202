import type { KafkaMessage } from 'kafkajs';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { toKafkaHeaders } from '../kafka';
import { ForgedCommandError, isRetriable } from '../errors';
import { retrying } from '../retry';
import { envelopeOf, headersOf, typeOf, type Envelope } from './envelope';
import { failDeadLettered, recordForged } from './apply';

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
  origin: Origin,
  parsed: Envelope | null,
  err: unknown,
  wait: (ms: number) => Promise<void>,
  stopping: () => boolean,
): Promise<void> {
  const { message } = origin;
  let env = parsed;
  if (!env) {
    try {
      env = envelopeOf(message);
    } catch {
      env = null;
    }
  }
  const reason = err instanceof Error ? err.message.slice(0, 500) : String(err);
  if (err instanceof ForgedCommandError) {
    await finishForged(deps, origin, reason, wait, stopping);
    return;
  }
  try {
    await retrying(() => failDeadLettered(deps, env, reason), { policy: DLQ_BACKOFF, giveUp: (e) => !isRetriable(e) || stopping(), wait });
  } catch (e) {
    deps.logger.error({ err: e, operationId: env?.operationId }, "a dead-lettered command's operation could not be marked failed; it stays accepted");
  }
}

/**
 * A forged command: its operation is not failed (the operation id, tenant and principal are whoever
 * produced it's claims — finishing it would let a forger fail other tenants' operations); instead a
 * `command.forged` audit record names where it came in, and stateset_forged_commands_total counts it.
 */
async function finishForged(
  deps: Deps,
  { topic, partition, message }: Origin,
  reason: string,
  wait: (ms: number) => Promise<void>,
  stopping: () => boolean,
): Promise<void> {
  deps.metrics.forgedCommands.inc({ topic });
  deps.logger.error({ topic, partition, offset: message.offset }, 'forged command refused (signature not verified); sent to the DLQ');
  try {
    await retrying(() => recordForged(deps, { topic, partition, offset: message.offset, claimed: headersOf(message), reason }), {
      policy: DLQ_BACKOFF,
      giveUp: (e) => !isRetriable(e) || stopping(),
      wait,
    });
  } catch (e) {
    deps.logger.error({ err: e, topic, partition, offset: message.offset }, 'the audit record of a forged command could not be written');
  }
}
