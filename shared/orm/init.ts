import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Config } from '../config';
import { domainEntities } from '../../workers/entities';
import { platformEntities } from './entities';
import { migrationsList } from './migrations';
import { pgConnection } from './pg-tls';
import { patchKysely } from './kysely-patches';

patchKysely();

export type OrmConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_MAX'> &
  Partial<Pick<Config, 'DATABASE_ROLE' | 'DATABASE_APPLICATION_NAME' | 'DATABASE_ACQUIRE_TIMEOUT_MS'>>;

/**
 * Startup parameters of every connection: the schema, and the role the process drops to (`SET ROLE`
 * before its first query: a superuser or owner login then has only the role's rights), and the
 * application_name that tells the process's connections apart in pg_stat_activity (MikroORM drops the
 * URL's query parameters, so it cannot come from DATABASE_URL). Names are validated by the config
 * (letters, digits, _ . -: nothing that needs quoting in `options`).
 */
export function connectionOptions(config: Pick<OrmConfig, 'DATABASE_SCHEMA' | 'DATABASE_ROLE' | 'DATABASE_APPLICATION_NAME'>): string {
  return (
    `-c search_path=${config.DATABASE_SCHEMA}` +
    (config.DATABASE_ROLE ? ` -c role=${config.DATABASE_ROLE}` : '') +
    (config.DATABASE_APPLICATION_NAME ? ` -c application_name=${config.DATABASE_APPLICATION_NAME}` : '')
  );
}

export function ormOptions(config: OrmConfig): Options {
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
    // trip per connection), and tests can use a schema of their own.
    // connectionTimeoutMillis bounds both the wait for a free pooled client and a new connection's
    // handshake (pg-pool): past it the query fails with a timeout, which the edge answers with 503.
    driverOptions: { options: connectionOptions(config), ssl, connectionTimeoutMillis: config.DATABASE_ACQUIRE_TIMEOUT_MS ?? 5000 },
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
export async function initORM(config: OrmConfig): Promise<MikroORM> {
  return MikroORM.init(ormOptions(config));
}

/** Creates the schema if needed and applies pending migrations (never schema sync). */
export async function migrate(orm: MikroORM, schema: string): Promise<string[]> {
  await orm.em.getConnection().execute(`create schema if not exists "${schema}"`);
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
