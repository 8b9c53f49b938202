import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Config } from '../config';
import { ConfigError } from '../errors';
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

export interface KafkaTlsOptions {
  /** PEM file of the CA(s) the broker certificate must chain to; the system roots when unset. */
  caFile?: string;
  /** The name checked against the certificate when it is not the broker host. */
  servername?: string;
}

export interface KafkaSaslOptions {
  mechanism: 'scram-sha-512' | 'scram-sha-256';
  username: string;
  password: string;
}

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  requestTimeoutMs: number;
  /** TLS to the brokers, always verified (there is no switch to accept an unknown certificate). */
  ssl?: KafkaTlsOptions;
  sasl?: KafkaSaslOptions;
}

/** The client options of a process from its configuration; `clientId` names the process. */
export function kafkaOptions(config: Config, clientId: string): KafkaOptions {
  return {
    brokers: config.KAFKA_BROKERS,
    clientId,
    requestTimeoutMs: config.KAFKA_REQUEST_TIMEOUT_MS,
    ...(config.KAFKA_SSL ? { ssl: { caFile: config.KAFKA_SSL_CA_FILE, servername: config.KAFKA_SSL_SERVERNAME } } : {}),
    ...(config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
      ? { sasl: { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD } }
      : {}),
  };
}

function tlsConfig(opts: KafkaTlsOptions): NonNullable<KafkaConfig['ssl']> {
  let ca: Buffer[] | undefined;
  if (opts.caFile) {
    try {
      ca = [readFileSync(opts.caFile)];
    } catch {
      throw new ConfigError(`KAFKA_SSL_CA_FILE: cannot read ${opts.caFile}`);
    }
  }
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}) };
}

function saslConfig(o: KafkaSaslOptions): SASLOptions {
  return o.mechanism === 'scram-sha-512'
    ? { mechanism: 'scram-sha-512', username: o.username, password: o.password }
    : { mechanism: 'scram-sha-256', username: o.username, password: o.password };
}

/** One Kafka client per process; kafkajs log lines go to pino (info and below only in debug). */
export function createKafka(opts: KafkaOptions, logger: Logger): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...(opts.ssl ? { ssl: tlsConfig(opts.ssl) } : {}),
    ...(opts.sasl ? { sasl: saslConfig(opts.sasl) } : {}),
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
