import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Config } from '../config';
import { domainEntities } from '../../workers/entities';
import { platformEntities } from './entities';
import { migrationsList } from './migrations';
import { pgConnection } from './pg-tls';

export function ormOptions(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_MAX'>): Options {
  const schema = config.DATABASE_SCHEMA;
  const { connectionString, ssl } = pgConnection(config.DATABASE_URL);
  return {
    driver: PostgreSqlDriver,
    schema,
    clientUrl: connectionString,
    entities: [...platformEntities, ...domainEntities],
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
    pool: { min: 0, max: config.DATABASE_POOL_MAX },
    // Every connection works inside the configured schema (a startup parameter, so no extra round
    // trip per connection), and tests can use a schema of their own. The name is validated by the config.
    driverOptions: { options: `-c search_path=${schema}`, ssl },
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
}

/** Builds the ORM once per process; callers fork an EntityManager per unit of work. */
export async function initORM(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_MAX'>): Promise<MikroORM> {
  return MikroORM.init(ormOptions(config));
}

/** Creates the schema if needed and applies pending migrations (never schema sync). */
export async function migrate(orm: MikroORM, schema: string): Promise<string[]> {
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
