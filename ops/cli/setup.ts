import type { Config } from '../../shared/config';
import { applyRolePlan, initORM, migrate } from '../../shared/orm';
import { aclPlan, applyAclPlan, createKafka, kafkaOptions, parseAclUsers, plannedTopics, provisionTopics, type PlannedAcl } from '../../shared/kafka';
import { SchemaCodec, registerAllSchemas } from '../../shared/registry';
import { topicNames } from '../../schemas/topics';
import { cliLogger } from './config';
import { DOMAINS, findEvent, type Domain } from '../../schemas/catalog';
import { workerGroupId } from '../../shared/worker';
import { DOMAIN_WORKERS } from '../../workers/domains';
import { auditSinkGroupId } from '../../workers/audit-sink/anchors';
import { webhookGroupId } from '../../workers/webhooks/intake';

export interface SetupReport {
  migrations: string[];
  /** Process roles created by this run (the others existed; all were re-granted to the plan). */
  rolesCreated: string[];
  topicsCreated: string[];
  subjects: number;
  /** null: KAFKA_ACLS is off, no ACL was touched */
  acls: { planned: number; created: number } | null;
}

/**
 * Migrations, process roles, topics, schemas and (with KAFKA_ACLS) broker ACLs: everything a fresh
 * environment needs before processes start. Runs as the login user (the owner of the schema), never as
 * DATABASE_ROLE: migrations and grants are the owner's work, and the owner stays the only one who can
 * ALTER or DROP.
 */
export async function setupPlatform(config: Config): Promise<SetupReport> {
  const logger = cliLogger(config, 'setup');
  const orm = await initORM({ ...config, DATABASE_ROLE: undefined });
  try {
    const migrations = await migrate(orm, config.DATABASE_SCHEMA);
    const rolesCreated = await applyRolePlan(orm, config.DATABASE_SCHEMA, topicNames(config.KAFKA_TOPIC_PREFIX).audit);
    const kafka = createKafka(kafkaOptions(config, `${config.KAFKA_CLIENT_ID}-setup`), logger);
    const topicsCreated = await provisionTopics(
      kafka,
      plannedTopics(config.KAFKA_TOPIC_PREFIX, {
        commands: config.KAFKA_PARTITIONS_COMMANDS,
        events: config.KAFKA_PARTITIONS_EVENTS,
        audit: config.KAFKA_PARTITIONS_AUDIT,
      }),
      config.KAFKA_REPLICATION_FACTOR,
    );
    let acls: SetupReport['acls'] = null;
    if (config.KAFKA_ACLS) {
      const plan = platformAclPlan(config);
      acls = { planned: plan.length, created: await applyAclPlan(kafka, plan) };
    }
    const subjects = await registerAllSchemas(SchemaCodec.create(config.SCHEMA_REGISTRY_URL), config.KAFKA_TOPIC_PREFIX);
    return { migrations, rolesCreated, topicsCreated, subjects, acls };
  } finally {
    await orm.close(true);
  }
}

/** The ACL plan of this configuration; the workers' subscriptions come from their own event handlers. */
export function platformAclPlan(config: Config): PlannedAcl[] {
  const subscriptions = Object.fromEntries(
    DOMAINS.map((d) => {
      const handlers = DOMAIN_WORKERS[d].options(config).eventHandlers ?? [];
      return [d, [...new Set(handlers.map((h) => findEvent(h.event)?.domain).filter((x): x is Domain => x !== undefined))]];
    }),
  ) as Record<Domain, Domain[]>;
  return aclPlan({
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    subscriptions,
    workerGroupId: (d) => workerGroupId(config.KAFKA_TOPIC_PREFIX, d),
    auditSinkGroupId: auditSinkGroupId(config.KAFKA_TOPIC_PREFIX),
    webhookGroupId: webhookGroupId(config.KAFKA_TOPIC_PREFIX),
    users: parseAclUsers(config.KAFKA_ACL_USERS),
  });
}
