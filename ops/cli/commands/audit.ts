import type { Command } from 'commander';
import { arg, repeatable, type CliArg } from '../args';
import { emit, note, type OutputOptions } from '../output';
import { EXIT } from '../exit-codes';
import { run, withJson } from './common';

type StoreOptions = OutputOptions & { store?: CliArg<'store'>; publicKey?: string[] };

function withStore(cmd: Command, pinnable = true): Command {
  cmd.option('--store <kind>', 'fs or s3 (default: AUDIT_STORE)', arg('store'));
  if (pinnable)
    cmd.option(
      '--public-key <pem path>',
      'a pinned checkpoint public key (repeat it for every key the store was signed with; default: the store key itself)',
      repeatable('public-key'),
    );
  return cmd;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').summary('the audit trail: verify the WORM store, inclusion proofs, the pinned key, the latest records');
  withJson(
    withStore(
      audit
        .command('verify')
        .summary('recompute chains, Merkle roots and signed checkpoints, then compare with Kafka and the index; exit 1 names the first problem')
        .option('--no-anchors', "check the store alone, not against Kafka's committed offsets and the audit_events index"),
    ),
  ).action(
    run(async (opts: StoreOptions & { anchors: boolean }) => {
      const { cliConfig } = await import('../config.js');
      const { auditVerify } = await import('../audit.js');
      const config = cliConfig();
      const { code, result } = await auditVerify(config, opts.store ?? config.AUDIT_STORE, {
        progress: !opts.json,
        publicKey: opts.publicKey,
        anchors: opts.anchors,
      });
      emit(opts, result, () =>
        result.ok
          ? [
              `OK: ${result.records} records in ${result.segments} segments over ${result.partitions} partitions verified (chain, Merkle roots, signed checkpoints)`,
              ...result.gaps.map(
                (g) => `  recorded gap: partition ${g.partition} segment ${g.segment} before sequence ${g.sequence} (${g.bytes} torn bytes, ${g.kind})`,
              ),
              ...result.warnings.map((w) => `  warning: ${w}`),
            ].join('\n')
          : `TAMPERED: ${result.kind} in segment ${result.segment}${result.sequence !== null ? ` at sequence ${result.sequence}` : ''}: ${result.reason}`,
      );
      // Kafka or PostgreSQL down is not a tampered store: exit 3, and --no-anchors still verifies.
      return !result.ok && result.kind === 'anchor-unavailable' ? EXIT.unavailable : code;
    }),
  );
  withJson(
    withStore(
      audit
        .command('proof')
        .summary('an inclusion proof of one record, checked against its signed checkpoint before it is printed')
        .argument('<event-id>', 'the audit event id (a UUID)', arg('event-id')),
    ),
  ).action(
    run(async (eventId: string, opts: StoreOptions) => {
      const { cliConfig } = await import('../config.js');
      const { auditProof } = await import('../audit.js');
      const config = cliConfig();
      const { code, proof, check } = await auditProof(config, opts.store ?? config.AUDIT_STORE, eventId, opts.publicKey);
      // The proof itself is JSON either way: it is meant to be handed to a third party.
      if (opts.json) emit(opts, { proof, check }, () => '');
      else if (proof) process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
      note(check.ok ? 'proof verifies against the signed checkpoint' : `no valid proof: ${check.reason}`);
      return code;
    }),
  );
  withJson(
    withStore(audit.command('public-key').summary('the public key that verifies the checkpoints (SPKI PEM) and its key id, to pin elsewhere'), false),
  ).action(
    run(async (opts: StoreOptions) => {
      const { cliConfig } = await import('../config.js');
      const { auditPublicKey } = await import('../audit.js');
      const config = cliConfig();
      const { pem, keyId } = await auditPublicKey(config, opts.store ?? config.AUDIT_STORE);
      if (opts.json) emit(opts, { keyId, pem }, () => '');
      else {
        process.stdout.write(pem);
        note(`key id ${keyId}: keep this public key outside the audit host; verify with --public-key`);
      }
    }),
  );
  withJson(
    audit
      .command('tail')
      .summary('the latest records of the audit_events index (records the store has made durable); --follow for new ones')
      .option('--tenant <id>', 'only this tenant', arg('tenant'))
      .option('--action <action>', 'only this action, e.g. auth.failed', arg('action'))
      .option('-n, --count <n>', 'how many of the latest records, 1 to 10000', arg('count'), 20)
      .option('-f, --follow', 'keep printing records as they are indexed, until Ctrl-C')
      .option('--interval <ms>', 'how often --follow looks, 100 to 60000 ms', arg('interval'), 1000),
  ).action(
    run(async (opts: OutputOptions & { tenant?: string; action?: string; count: number; follow?: boolean; interval: number }) => {
      const { cliConfig } = await import('../config.js');
      const { tailAudit } = await import('../audit-tail.js');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const lines: unknown[] = [];
      await tailAudit(
        cliConfig(),
        { tenant: opts.tenant, action: opts.action },
        {
          count: opts.count,
          follow: opts.follow === true,
          intervalMs: opts.interval,
          signal: stop.signal,
          onLine(l) {
            // Following, --json is one JSON document per line (NDJSON): a stream has no end to wait for.
            if (opts.json && !opts.follow) lines.push(l);
            else if (opts.json) process.stdout.write(`${JSON.stringify(l)}\n`);
            else
              process.stdout.write(
                `${l.occurredAt}  ${l.outcome.padEnd(7)}  ${l.action.padEnd(26)}  tenant ${l.tenantId ?? '-'}  by ${l.principal ?? '-'}  ${l.resourceType ?? ''}${l.resourceId ? ` ${l.resourceId}` : ''}\n`,
              );
          },
        },
      );
      if (opts.json && !opts.follow) emit(opts, lines, () => '');
      return EXIT.ok;
    }),
  );
}
