import type { Command } from 'commander';
import type { ApiKeyRow } from '../../../shared/orm';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { run, withJson } from './common';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function stateOf(k: ApiKeyRow, now = new Date()): string {
  if (k.revokedAt && k.revokedAt <= now) return 'revoked';
  if (k.expiresAt && k.expiresAt <= now) return 'expired';
  return k.revokedAt ? 'rotating' : 'active';
}

/** What is shown of a key: never its hash; its secret only once, by create and rotate. */
function keyView(k: ApiKeyRow) {
  return {
    id: k.id,
    tenant: k.tenantId,
    name: k.name,
    role: k.role,
    redacted: k.redacted,
    state: stateOf(k),
    createdAt: iso(k.createdAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    lastUsedAt: iso(k.lastUsedAt),
    rotatedFrom: k.rotatedFrom,
  };
}

const SHOWN_ONCE = 'key (shown once, store it now):';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').summary("a tenant's API keys (PostgreSQL; each change audited)");
  withJson(
    keys
      .command('create')
      .summary('a new key with the permissions of a role (creates the tenant if needed); the secret is printed once')
      .requiredOption('--tenant <id>', 'the tenant', arg('tenant'))
      .requiredOption('--role <role>', 'admin, manager, operator or viewer', arg('role'))
      .option('--name <name>', 'what the key is for (default: "<role> key")', arg('name'))
      .option('--expires-in-days <n>', 'expire after n days, 1 to 99999 (default: never)', arg('expires-in-days')),
  ).action(
    run(async (opts: OutputOptions & { tenant: string; role: CliArg<'role'>; name?: string; expiresInDays?: number }) => {
      const { cliConfig } = await import('../config.js');
      const { createKey } = await import('../keys.js');
      const { row, secret } = await createKey(cliConfig(), {
        tenant: opts.tenant,
        role: opts.role,
        name: opts.name ?? `${opts.role} key`,
        expiresInDays: opts.expiresInDays,
      });
      emit(
        opts,
        { ...keyView(row), key: secret },
        () => `created key ${row.id} (${row.redacted}) for tenant ${row.tenantId}, role ${row.role}\n${SHOWN_ONCE} ${secret}`,
      );
    }),
  );
  withJson(keys.command('list').summary('every key of a tenant, oldest first (redacted)').requiredOption('--tenant <id>', 'the tenant', arg('tenant'))).action(
    run(async (opts: OutputOptions & { tenant: string }) => {
      const { cliConfig } = await import('../config.js');
      const { listKeys } = await import('../keys.js');
      const rows = (await listKeys(cliConfig(), opts.tenant)).map(keyView);
      emit(opts, rows, () =>
        rows.length
          ? rows.map((k) => `${k.id}  ${k.redacted}  ${k.role.padEnd(8)}  ${k.state.padEnd(8)}  last used ${k.lastUsedAt ?? 'never'}  ${k.name}`).join('\n')
          : `no keys for tenant ${opts.tenant}`,
      );
    }),
  );
  withJson(
    keys
      .command('rotate')
      .summary('a new key with the same rights; the old one stays valid for API_KEY_ROTATION_OVERLAP_S')
      .requiredOption('--tenant <id>', 'the tenant', arg('tenant'))
      .requiredOption('--id <uuid>', 'the key to replace', arg('id')),
  ).action(
    run(async (opts: OutputOptions & { tenant: string; id: string }) => {
      const { cliConfig } = await import('../config.js');
      const { rotateKey } = await import('../keys.js');
      const { row, secret, previous } = await rotateKey(cliConfig(), opts.tenant, opts.id);
      emit(
        opts,
        { ...keyView(row), key: secret, previous: { id: previous.id, revokesAt: previous.revokesAt.toISOString() } },
        () =>
          `rotated ${previous.id}: new key ${row.id} (${row.redacted}); the old one works until ${previous.revokesAt.toISOString()}\n${SHOWN_ONCE} ${secret}`,
      );
    }),
  );
  withJson(
    keys
      .command('revoke')
      .summary('revoke a key now')
      .requiredOption('--tenant <id>', 'the tenant', arg('tenant'))
      .requiredOption('--id <uuid>', 'the key', arg('id')),
  ).action(
    run(async (opts: OutputOptions & { tenant: string; id: string }) => {
      const { cliConfig } = await import('../config.js');
      const { revokeKey } = await import('../keys.js');
      const row = await revokeKey(cliConfig(), opts.tenant, opts.id);
      emit(opts, keyView(row), () => `revoked ${row.id} (${row.redacted})`);
    }),
  );
}
