import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config } from '../../../shared/config';
import { dropProcessRoles, initORM } from '../../../shared/orm';
import { createKafka, kafkaOptions } from '../../../shared/kafka';
import { createLogger } from '../../../shared/logger';
import { topicNames, type TopicNames } from '../../../schemas/topics';
import { ROOT } from './infra';

const exec = promisify(execFile);

/**
 * One scenario's own platform: a PostgreSQL schema, a Kafka topic prefix and a Redis key prefix of
 * its own, set up with the compiled CLI (`stateset setup`), an admin key for tenant `bench`, and
 * the environment its child processes run with (rate limits lifted: the benchmark measures the
 * pipeline, not the limiter's refusals). `close()` drops the schema, deletes the prefix's topics
 * and Redis keys.
 */
export interface Platform {
  name: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  topics: TopicNames;
  key: string;
  orm: MikroORM;
  kafka: Kafka;
  /** Raw SQL in the scenario's schema. */
  sql<T>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(process.execPath, ['dist/ops/cli/main.js', ...args], { cwd: ROOT, env, maxBuffer: 1 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`stateset ${args.join(' ')} failed: ${e.stderr || e.message}`, { cause: err });
  }
}

export async function createPlatform(name: string): Promise<Platform> {
  const id = randomBytes(3).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_SCHEMA: `bench_${name}_${id}`,
    KAFKA_TOPIC_PREFIX: `bench-${name}-${id}.`,
    REDIS_KEY_PREFIX: `bench-${name}-${id}:`,
    RATE_LIMIT_WRITE_PER_MIN: '10000000',
    RATE_LIMIT_READ_PER_MIN: '10000000',
    METRICS_PORT: '0',
    HTTP_HOST: '127.0.0.1',
  };
  const config = loadConfig(env);
  await cli(env, ['setup']);
  const keyOut = await cli(env, ['keys', 'create', '--tenant', 'bench', '--role', 'admin', '--name', 'bench', '--json']);
  const keyLine = keyOut.split('\n').find((l) => l.startsWith('{') && l.includes('"key"'));
  if (!keyLine) throw new Error(`stateset keys create printed no key: ${keyOut.slice(0, 500)}`);
  const key = (JSON.parse(keyLine) as { key: string }).key;
  const orm = await initORM(config);
  const kafka = createKafka(kafkaOptions(config, 'stateset-bench'), createLogger('bench', 'error'));
  return {
    name,
    env,
    config,
    topics: topicNames(config.KAFKA_TOPIC_PREFIX),
    key,
    orm,
    kafka,
    sql: <T>(query: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(query, params),
    async close() {
      await orm.em
        .getConnection()
        .execute(`drop schema if exists "${config.DATABASE_SCHEMA}" cascade`)
        .catch(() => undefined);
      await dropProcessRoles(orm, config.DATABASE_SCHEMA).catch(() => undefined);
      await orm.close(true);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(config.KAFKA_TOPIC_PREFIX));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
      } finally {
        await admin.disconnect();
      }
      const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        for await (const keys of redis.scanStream({ match: `${config.REDIS_KEY_PREFIX}*`, count: 1000 })) {
          if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** Sum over partitions of (end offset − the group's committed offset): what the group has left. */
export async function groupBacklog(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((n, e) => n + Math.max(0, Number(e.high) - Math.max(at.get(e.partition) ?? 0, Number(e.low))), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}
