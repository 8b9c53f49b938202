import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../shared/config';
import { setupPlatform } from '../../ops/cli/setup';
import { dropProcessRoles, initORM } from '../../shared/orm';
import { resolveServices } from './services';

/**
 * Root hooks of the integration and e2e tiers: resolve the real services (or fail naming the
 * missing one), then give this run a PostgreSQL schema and Kafka topic prefix of its own.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    Object.assign(process.env, await resolveServices());
    const run = randomBytes(4).toString('hex');
    process.env.DATABASE_SCHEMA ??= `test_${run}`;
    process.env.KAFKA_TOPIC_PREFIX ??= `test-${run}.`;
    process.env.LOG_LEVEL ??= 'warn';
    process.env.NODE_ENV ??= 'test';
    process.env.AUDIT_DIR ??= `.data/test-${run}/audit`;
    process.env.AUDIT_CHECKPOINT_DIR ??= `.data/test-${run}/audit-checkpoints`;
    await setupPlatform(loadConfig());
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    if (process.env.KEEP_TEST_SCHEMA) return;
    const config = loadConfig();
    const orm = await initORM(config);
    await orm.em.getConnection().execute(`drop schema if exists "${config.DATABASE_SCHEMA}" cascade`);
    // Roles are cluster-wide: setup made this run's (`<schema>_gateway`, …), so they go with the schema.
    await dropProcessRoles(orm, config.DATABASE_SCHEMA);
    await orm.close(true);
  },
};
