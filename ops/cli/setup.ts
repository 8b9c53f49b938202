import type { Config } from '../../shared/config';
import { applyRolePlan, initORM, migrate } from '../../shared/orm';
import { createKafka, plannedTopics, provisionTopics } from '../../shared/kafka';
import { SchemaCodec, registerAllSchemas } from '../../shared/registry';
import { createLogger } from '../../shared/logger';

export interface SetupReport {
  migrations: string[];
  /** Process roles created by this run (the others existed; all were re-granted to the plan). */
  rolesCreated: string[];
  topicsCreated: string[];
  subjects: number;
}

/**
 * Migrations, process roles, topics and schemas: everything a fresh environment needs before
 * processes start. Runs as the login user (the owner of the schema), never as DATABASE_ROLE:
 * migrations and grants are the owner's work, and the owner stays the only one who can ALTER or DROP.
 */
export async function setupPlatform(config: Config): Promise<SetupReport> {
  const logger = createLogger('setup', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const orm = await initORM({ ...config, DATABASE_ROLE: undefined });
  try {
    const migrations = await migrate(orm, config.DATABASE_SCHEMA);
    const rolesCreated = await applyRolePlan(orm, config.DATABASE_SCHEMA);
    const kafka = createKafka(
      { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-setup`, requestTimeoutMs: config.KAFKA_REQUEST_TIMEOUT_MS },
      logger,
    );
    const topicsCreated = await provisionTopics(
      kafka,
      plannedTopics(config.KAFKA_TOPIC_PREFIX, {
        commands: config.KAFKA_PARTITIONS_COMMANDS,
        events: config.KAFKA_PARTITIONS_EVENTS,
        audit: config.KAFKA_PARTITIONS_AUDIT,
      }),
      config.KAFKA_REPLICATION_FACTOR,
    );
    const subjects = await registerAllSchemas(SchemaCodec.create(config.SCHEMA_REGISTRY_URL), config.KAFKA_TOPIC_PREFIX);
    return { migrations, rolesCreated, topicsCreated, subjects };
  } finally {
    await orm.close(true);
  }
}
