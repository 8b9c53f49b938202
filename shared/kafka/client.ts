import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger';
import { kafkajsRetry } from '../retry';
import { patchKafkajs } from './kafkajs-patches';

patchKafkajs();

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  requestTimeoutMs: number;
}

/** One Kafka client per process; kafkajs log lines go to pino (info and below only in debug). */
export function createKafka(opts: KafkaOptions, logger: Logger): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3000,
    requestTimeout: opts.requestTimeoutMs,
    retry: kafkajsRetry({ initialMs: 200, maxMs: 2000 }, 3),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        // Deliberate: the publisher caps retries so a request answers 503 instead of hanging; every
        // new producer would otherwise repeat this warning.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        // Deliberate: the broker's late answer to a request kafkajs had already timed out (e.g. while a
        // group coordinator was loading at start) and retried; the retry's answer is the one used, so
        // nothing is lost. Kept at debug level for diagnosis.
        if (message === 'Response without match') {
          logger.debug({ namespace, ...extra }, `kafka: ${message}`);
          return;
        }
        logger[LEVELS[level] ?? 'info']({ namespace, ...extra }, `kafka: ${message}`);
      },
  });
}
