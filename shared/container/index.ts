import type { Kafka } from 'kafkajs';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { createMetrics, type Metrics } from '../metrics';
import { CommandSigner, createKafka, kafkaOptions, Publisher } from '../kafka';
import { SchemaCodec } from '../registry';
import { connectionOptions, initORM } from '../orm';
import { createRedis } from '../redis';
import { PgListener } from '../notify';
import { topicNames, type TopicNames } from '../../schemas/topics';

/** Every client a process needs, made once and handed down; no module-level singletons. */
export interface Deps {
  config: Config;
  service: string;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  redis: Redis;
  kafka: Kafka;
  publisher: Publisher;
  codec: SchemaCodec;
  /** LISTEN connection: wakes the outbox relay and long-polls (no polling). */
  notifications: PgListener;
  topics: TopicNames;
  /** Signs commands (gateway) and verifies them (workers) with COMMAND_SIGNING_KEY. */
  commandSigner: CommandSigner;
  close(): Promise<void>;
}

/** `logger`: where the process's own logs go instead of stdout at LOG_LEVEL (the CLI keeps stdout for its result). */
export async function createContainer(config: Config, service: string, logger: Logger = createLogger(service, config.LOG_LEVEL)): Promise<Deps> {
  const metrics = createMetrics(service);
  const orm = await initORM(config);
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, config.REDIS_TLS_CA_FILE);
  redis.on('error', (err: Error) => logger.debug({ err }, 'redis error'));
  redis.connect().catch((err: Error) => logger.warn({ err }, 'redis not reachable at start'));
  const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-${service}`), logger);
  const publisher = new Publisher(kafka, config.KAFKA_REQUEST_TIMEOUT_MS);
  const codec = SchemaCodec.create(config.SCHEMA_REGISTRY_URL);
  const notifications = new PgListener(config.DATABASE_URL, config.DATABASE_SCHEMA, logger, connectionOptions(config));
  await notifications.start();
  return {
    config,
    service,
    logger,
    metrics,
    orm,
    redis,
    kafka,
    publisher,
    codec,
    notifications,
    topics: topicNames(config.KAFKA_TOPIC_PREFIX),
    commandSigner: new CommandSigner(config.COMMAND_SIGNING_KEY, config.COMMAND_SIGNING_KEY_PREVIOUS),
    async close() {
      await notifications.stop();
      await publisher.close();
      redis.disconnect();
      await orm.close(true);
    },
  };
}
