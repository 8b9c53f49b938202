import type { Command } from 'commander';
import { emit, type OutputOptions } from '../output';
import { run, withJson } from './common';

export function registerSetup(program: Command): void {
  withJson(
    program
      .command('setup')
      .summary('migrations, database roles, topics, schemas (and Kafka ACLs with KAFKA_ACLS=true)')
      .description(
        'Prepares a fresh environment before the processes start: runs the migrations and grants as the schema owner, ' +
          'creates the topics, registers the Avro schemas and, with KAFKA_ACLS=true, the broker ACLs. Safe to run again.',
      ),
  ).action(
    run(async (opts: OutputOptions) => {
      const { cliConfig } = await import('../config.js');
      const { setupPlatform } = await import('../setup.js');
      const r = await setupPlatform(cliConfig());
      emit(opts, r, () =>
        [
          `migrations applied: ${r.migrations.length ? r.migrations.join(', ') : 'none pending'}`,
          `database roles created: ${r.rolesCreated.length ? r.rolesCreated.join(', ') : 'none (all existed; grants re-applied)'}`,
          `topics created: ${r.topicsCreated.length}; schemas registered: ${r.subjects}`,
          ...(r.acls ? [`kafka ACLs: ${r.acls.created} created, ${r.acls.planned - r.acls.created} already there`] : []),
        ].join('\n'),
      );
    }),
  );
}
