/**
 * `stateset` admin CLI. Usage:
 *   stateset setup                                   migrations, database roles, topics, schemas (and Kafka ACLs with KAFKA_ACLS=true)
 *   stateset doctor [--production] [--json] [--for …]        the deployment checklist against this configuration
 *   stateset keys create --tenant T --role admin [--name N] [--expires-in-days D]
 *   stateset keys list --tenant T
 *   stateset keys revoke --tenant T --id UUID
 *   stateset audit verify [--store fs|s3] [--public-key PEM] [--no-anchors]
 *   stateset audit proof <event-id> [--store fs|s3] [--public-key PEM]
 *   stateset audit public-key [--store fs|s3]        the public key to pin, and its key id
 *   stateset dlq replay --domain D [--dry-run]       re-submit a domain's dead letters (audited)
 *   stateset worker [--domains all|orders,inventory,…]    a worker process hosting those domains
 * Each subcommand loads only its own modules, so `stateset worker` carries no setup or audit code.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '../../shared/config';
import { CliUsageError, validateCliArgs } from './args';

const USAGE = `usage:
  stateset setup
  stateset doctor [--production] [--json] [--for all|gateway|worker|audit-sink]
  stateset keys create --tenant <id> --role <admin|manager|operator|viewer> [--name <name>] [--expires-in-days <n>] [--json]
  stateset keys list --tenant <id>
  stateset keys revoke --tenant <id> --id <uuid>
  stateset audit verify [--store fs|s3] [--public-key <pem path>]… [--no-anchors] [--json]
  stateset audit proof <event-id> [--store fs|s3] [--public-key <pem path>]…
  stateset dlq replay --domain <domain> [--dry-run] [--json]
  stateset worker [--domains all|<domain>,<domain>…]`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'worker') {
    const { runWorkerProcess } = await import('../../workers/main.js');
    await runWorkerProcess(argv.slice(1));
    return -1; // runs until SIGTERM
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      'expires-in-days': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      store: { type: 'string' },
      // Repeatable: after a signing-key rotation, every key whose checkpoints the store holds.
      'public-key': { type: 'string', multiple: true },
      'no-anchors': { type: 'boolean' },
      production: { type: 'boolean' },
      for: { type: 'string' },
      domain: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  const [cmd, sub] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'doctor') {
    // Before loadConfig: a configuration the processes would refuse is a finding here, not a crash.
    const { doctorExitCode, formatDoctor, runDoctor } = await import('./doctor.js');
    const target = values.for === undefined ? 'all' : validateCliArgs({ for: values.for }).for!;
    const checks = await runDoctor(process.env, process.getuid?.(), target);
    console.log(values.json ? JSON.stringify(checks) : formatDoctor(checks));
    return doctorExitCode(checks, values.production === true);
  }
  const { json: _json, help: _help, 'no-anchors': noAnchors, production: _production, 'public-key': pinnedKeys, 'dry-run': dryRun, ...strings } = values;
  const args = validateCliArgs(strings);
  const publicKeys = pinnedKeys?.map((k) => validateCliArgs({ 'public-key': k })['public-key']!);
  const config = loadConfig();
  const need = <K extends 'tenant' | 'role' | 'id'>(name: K): NonNullable<(typeof args)[K]> => {
    const v = args[name];
    if (!v) throw new CliUsageError(`--${name} is required\n${USAGE}`);
    return v as NonNullable<(typeof args)[K]>;
  };
  if (cmd === 'setup') {
    const { setupPlatform } = await import('./setup.js');
    const r = await setupPlatform(config);
    console.log(`migrations applied: ${r.migrations.length ? r.migrations.join(', ') : 'none pending'}`);
    console.log(`database roles created: ${r.rolesCreated.length ? r.rolesCreated.join(', ') : 'none (all existed; grants re-applied)'}`);
    console.log(`topics created: ${r.topicsCreated.length}; schemas registered: ${r.subjects}`);
    if (r.acls) console.log(`kafka ACLs: ${r.acls.created} created, ${r.acls.planned - r.acls.created} already there`);
    return 0;
  }
  if (cmd === 'keys' && sub === 'create') {
    const { createKey } = await import('./keys.js');
    const { row, secret } = await createKey(config, {
      tenant: need('tenant'),
      role: need('role'),
      name: args.name ?? `${args.role} key`,
      expiresInDays: args['expires-in-days'],
    });
    if (values.json) console.log(JSON.stringify({ id: row.id, tenant: row.tenantId, role: row.role, key: secret }));
    else console.log(`created key ${row.id} (${row.redacted}) for tenant ${row.tenantId}, role ${row.role}\nkey (shown once, store it now): ${secret}`);
    return 0;
  }
  if (cmd === 'keys' && sub === 'list') {
    const { listKeys } = await import('./keys.js');
    for (const k of await listKeys(config, need('tenant'))) {
      const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.expiresAt && k.expiresAt < new Date() ? 'expired' : 'active';
      console.log(`${k.id}  ${k.redacted}  ${k.role.padEnd(8)}  ${state}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}  ${k.name}`);
    }
    return 0;
  }
  if (cmd === 'keys' && sub === 'revoke') {
    const { revokeKey } = await import('./keys.js');
    const row = await revokeKey(config, need('tenant'), need('id'));
    console.log(`revoked ${row.id} (${row.redacted})`);
    return 0;
  }
  if (cmd === 'dlq' && sub === 'replay') {
    const domain = args.domain;
    if (!domain) throw new CliUsageError(`--domain is required\n${USAGE}`);
    const { replayDlq } = await import('./dlq.js');
    const { createContainer } = await import('../../shared/container/index.js');
    const deps = await createContainer(config, 'dlq-replay');
    const bar =
      !values.json && process.stderr.isTTY
        ? new SingleBar({ format: 'replaying [{bar}] {value}/{total} dead letters', stream: process.stderr }, Presets.shades_classic)
        : null;
    try {
      const r = await replayDlq(deps, domain, {
        dryRun: dryRun === true,
        operator: `cli:${userInfo().username}`,
        onProgress: (done, total) => (done === 0 ? bar?.start(total, 0) : bar?.update(done)),
      });
      bar?.stop();
      if (values.json) console.log(JSON.stringify(r));
      else {
        for (const l of r.letters) console.log(`${l.partition}/${l.offset}  ${l.commandType ?? '?'}  operation ${l.operationId ?? '?'}  ${l.reason}`);
        console.log(
          r.dryRun
            ? `dry run: ${r.letters.length} dead letters would be replayed; nothing was sent`
            : `replayed ${r.replayed} dead letters to ${deps.topics.commands(domain)} (each audited as dlq.replayed)`,
        );
      }
      return 0;
    } finally {
      await deps.close();
    }
  }
  if (cmd === 'audit' && sub === 'public-key') {
    const { auditPublicKey } = await import('./audit.js');
    const { pem, keyId } = await auditPublicKey(config, args.store ?? config.AUDIT_STORE);
    process.stdout.write(pem);
    console.error(`key id ${keyId}: keep this public key outside the audit host; verify with --public-key`);
    return 0;
  }
  if (cmd === 'audit' && (sub === 'verify' || sub === 'proof')) {
    const { auditProof, auditVerify } = await import('./audit.js');
    const kind = args.store ?? config.AUDIT_STORE;
    if (sub === 'verify') {
      const { code, result } = await auditVerify(config, kind, {
        progress: !values.json,
        publicKey: publicKeys,
        anchors: !noAnchors,
      });
      if (values.json) console.log(JSON.stringify(result));
      else if (result.ok) {
        console.log(
          `OK: ${result.records} records in ${result.segments} segments over ${result.partitions} partitions verified (chain, Merkle roots, signed checkpoints)`,
        );
        for (const g of result.gaps)
          console.log(`  recorded gap: partition ${g.partition} segment ${g.segment} before sequence ${g.sequence} (${g.bytes} torn bytes, ${g.kind})`);
        for (const w of result.warnings) console.log(`  warning: ${w}`);
      } else {
        console.log(
          `TAMPERED: ${result.kind} in segment ${result.segment}${result.sequence !== null ? ` at sequence ${result.sequence}` : ''}: ${result.reason}`,
        );
      }
      return code;
    }
    const eventId = validateCliArgs({ 'event-id': positionals[2] })['event-id'];
    if (!eventId) throw new CliUsageError(`an event id is required\n${USAGE}`);
    const { code, proof, check } = await auditProof(config, kind, eventId, publicKeys);
    if (proof) console.log(JSON.stringify(proof, null, 2));
    console.error(check.ok ? 'proof verifies against the signed checkpoint' : `no valid proof: ${check.reason}`);
    return code;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`stateset: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(
      err instanceof Error &&
        (err.name === 'UnknownDomainError' || err.name === 'CliUsageError' || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
        ? 2
        : 1,
    );
  },
);
