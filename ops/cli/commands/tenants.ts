import type { Command } from 'commander';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { run, withJson } from './common';

export function registerTenants(program: Command): void {
  const tenants = program.command('tenants').summary('create and list tenants (PostgreSQL)');
  withJson(
    tenants
      .command('create')
      .summary('create a tenant (audited as tenant.created); one that exists is refused')
      .requiredOption('--tenant <id>', 'the tenant id: letters, digits, ".", "_" or "-"', arg('tenant'))
      .option('--name <name>', 'a display name (default: the id)', arg('name')),
  ).action(
    run(async (opts: OutputOptions & { tenant: CliArg<'tenant'>; name?: string }) => {
      const { cliConfig } = await import('../config.js');
      const { createTenant } = await import('../tenants.js');
      const row = await createTenant(cliConfig(), { id: opts.tenant, name: opts.name ?? opts.tenant });
      emit(opts, { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() }, () => `created tenant ${row.id} (${row.name})`);
    }),
  );
  withJson(tenants.command('list').summary('every tenant, oldest first')).action(
    run(async (opts: OutputOptions) => {
      const { cliConfig } = await import('../config.js');
      const { listTenants } = await import('../tenants.js');
      const rows = await listTenants(cliConfig());
      emit(
        opts,
        rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() })),
        () => (rows.length ? rows.map((t) => `${t.id}  ${t.createdAt.toISOString()}  ${t.name}`).join('\n') : 'no tenants'),
      );
    }),
  );
}
