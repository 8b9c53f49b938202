import type { KafkaMessage } from 'kafkajs';
import { findEvent } from '../../schemas/catalog';
import type { TopicNames } from '../../schemas/topics';
import type { Metrics } from '../metrics';
import { ForgedCommandError, PoisonMessageError } from '../errors';
import { COMMAND_SIGNATURE_HEADER, readHeader, type CommandSigner } from '../kafka';
import type { SchemaCodec } from '../registry';
import type { Item, Outcome } from './apply';
import { envelopeOf } from './envelope';
import type { CommandHandler, EventHandler } from './handler';

/**
 * A consumed message as the runner applies it: its envelope, its handler and its decoded payload.
 * An event this domain does not react to is skipped; a command without a handler is poison.
 */
export async function prepareItem(
  message: KafkaMessage,
  handlers: ReadonlyMap<string, CommandHandler<never>>,
  eventHandlers: ReadonlyMap<string, EventHandler<never>>,
  codec: Pick<SchemaCodec, 'decode'>,
  topic: string,
  signer: Pick<CommandSigner, 'verify'>,
): Promise<Item> {
  const env = envelopeOf(message);
  if (env.kind === 'event') {
    const handler = eventHandlers.get(env.commandType);
    // the topic carries event types this domain does not react to
    if (!handler) return { kind: 'skip', message };
    return { kind: 'event', message, env, handler, payload: await codec.decode(message.value) };
  }
  // Before anything is read from it: a command's tenant and principal are the gateway's word only if signed.
  if (!signer.verify({ topic, key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), headers: message.headers ?? {} })) {
    throw new ForgedCommandError(readHeader(message.headers, COMMAND_SIGNATURE_HEADER) ? 'the signature does not match' : 'no command-signature header');
  }
  const handler = handlers.get(env.commandType);
  if (!handler) throw new PoisonMessageError(`no handler for command type ${env.commandType}`);
  return { kind: 'command', message, env, handler, payload: await codec.decode(message.value) };
}

/** The event topics a domain's reactions read (each once). */
export function eventTopicsOf(eventHandlers: readonly EventHandler<never>[], topics: Pick<TopicNames, 'events'>): string[] {
  const of = (h: EventHandler<never>) => {
    const def = findEvent(h.event);
    if (!def) throw new Error(`event handler for unknown event ${h.event}`);
    return topics.events(def.domain);
  };
  return [...new Set(eventHandlers.map(of))];
}

/** Throughput and latency of handled messages; a skipped event is not counted. */
export function countOutcome(metrics: Metrics, type: string, outcome: Outcome, seconds: number): void {
  if (outcome === 'skipped') return;
  metrics.workerDuration.observe({ type }, seconds);
  metrics.workerCommands.inc({ type, outcome });
}
