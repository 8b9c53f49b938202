/**
 * `stateset` admin CLI. Usage:
 *   stateset setup                                   migrations, topics, schemas
 *   stateset keys create --tenant T --role admin [--name N] [--expires-in-days D]
 *   stateset keys list --tenant T
 *   stateset keys revoke --tenant T --id UUID
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config';
import { setupPlatform } from './setup';
import { createKey, listKeys, revokeKey } from './keys';

const USAGE = `usage:
  stateset setup
  stateset keys create --tenant <id> --role <admin|manager|operator|viewer> [--name <name>] [--expires-in-days <n>] [--json]
  stateset keys list --tenant <id>
  stateset keys revoke --tenant <id> --id <uuid>`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' },
      'expires-in-days': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const config = loadConfig();
  const need = (name: 'tenant' | 'role' | 'id'): string => {
    const v = values[name];
    if (!v) throw new Error(`--${name} is required\n${USAGE}`);
    return v;
  };
  if (cmd === 'setup') {
    const r = await setupPlatform(config);
    console.log(`migrations applied: ${r.migrations.length ? r.migrations.join(', ') : 'none pending'}`);
    console.log(`topics created: ${r.topicsCreated.length}; schemas registered: ${r.subjects}`);
    return 0;
  }
  if (cmd === 'keys' && sub === 'create') {
    const { row, secret } = await createKey(config, {
      tenant: need('tenant'), role: need('role'), name: values.name ?? `${values.role} key`,
      expiresInDays: values['expires-in-days'] ? Number(values['expires-in-days']) : undefined,
    });
    if (values.json) console.log(JSON.stringify({ id: row.id, tenant: row.tenantId, role: row.role, key: secret }));
    else console.log(`created key ${row.id} (${row.redacted}) for tenant ${row.tenantId}, role ${row.role}\nkey (shown once, store it now): ${secret}`);
    return 0;
  }
  if (cmd === 'keys' && sub === 'list') {
    for (const k of await listKeys(config, need('tenant'))) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.expiresAt && k.expiresAt < new Date() ? 'expired' : 'active';
      console.log(`${k.id}  ${k.redacted}  ${k.role.padEnd(8)}  ${state}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}  ${k.name}`);
    }
    return 0;
  }
  if (cmd === 'keys' && sub === 'revoke') {
    const row = await revokeKey(config, need('tenant'), need('id'));
    console.log(`revoked ${row.id} (${row.redacted})`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`stateset: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
