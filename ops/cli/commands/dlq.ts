import type { Command } from 'commander';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { EXIT } from '../exit-codes';
import { run, withJson } from './common';

type DomainOptions = OutputOptions & { domain: CliArg<'domain'> };

const withDomain = (cmd: Command) => cmd.requiredOption('--domain <domain>', 'the domain whose dead letters (orders, inventory, …)', arg('domain'));

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').summary("a domain's dead letters (Kafka): list, show one, replay after the fix");
  withJson(
    withDomain(
      dlq
        .command('list')
        .summary("the dead letters a domain's DLQ topic holds, oldest first, each marked replayed or not")
        .option('--pending', 'only those past the replay cursor (what `dlq replay` would send)')
        .option('--limit <n>', 'at most n letters, 1 to 10000', arg('count'), 100),
    ),
  ).action(
    run(async (opts: DomainOptions & { pending?: boolean; limit: number }) => {
      const { cliConfig } = await import('../config.js');
      const { listDeadLetters } = await import('../dlq-inspect.js');
      const { letters, total } = await listDeadLetters(cliConfig(), opts.domain, { limit: opts.limit, pending: opts.pending === true });
      emit(opts, { domain: opts.domain, total, letters }, () =>
        [
          ...letters.map(
            (l) =>
              `${l.partition}/${l.offset}  ${l.replayed ? 'replayed' : 'pending '}  ${l.timestamp}  ${l.commandType ?? '?'}  operation ${l.operationId ?? '?'}  ${l.reason}`,
          ),
          `${total} dead letters${opts.pending ? ' past the replay cursor' : ''}${letters.length < total ? ` (${letters.length} shown)` : ''}`,
        ].join('\n'),
      );
    }),
  );
  withJson(
    withDomain(
      dlq
        .command('show')
        .summary('one dead letter whole: why it failed, where it came from, its payload')
        .requiredOption('--partition <n>', 'its partition', arg('partition'))
        .requiredOption('--offset <n>', 'its offset (as `dlq list` prints partition/offset)', arg('offset')),
    ),
  ).action(
    run(async (opts: DomainOptions & { partition: number; offset: string }) => {
      const { cliConfig } = await import('../config.js');
      const { showDeadLetter } = await import('../dlq-inspect.js');
      const letter = await showDeadLetter(cliConfig(), opts.domain, opts.partition, opts.offset);
      if (!letter) {
        process.stderr.write(`stateset: no dead letter at ${opts.partition}/${opts.offset} of ${opts.domain}'s DLQ topic\n`);
        return EXIT.failure;
      }
      emit(opts, letter, () =>
        [
          `dead letter ${letter.partition}/${letter.offset} (${letter.replayed ? 'replayed' : 'not replayed'}), ${letter.timestamp}`,
          `reason: ${letter.reason}`,
          `key: ${letter.key ?? '-'}`,
          'headers:',
          ...Object.entries(letter.headers).map(([k, v]) => `  ${k}: ${v}`),
          letter.value
            ? `payload (${letter.valueBytes} bytes):\n${JSON.stringify(letter.value, null, 2)}`
            : `payload (${letter.valueBytes} bytes) does not decode: ${letter.decodeError}\n  base64: ${letter.valueBase64}`,
        ].join('\n'),
      );
    }),
  );
  withJson(
    withDomain(
      dlq
        .command('replay')
        .summary('re-submit the dead letters past the replay cursor to their command topic, unchanged, each audited as dlq.replayed')
        .option('--dry-run', 'list what would be replayed; send nothing, move nothing'),
    ),
  ).action(
    run(async (opts: DomainOptions & { dryRun?: boolean }) => {
      const { userInfo } = await import('node:os');
      const { cliConfig, cliLogger } = await import('../config.js');
      const { replayDlq } = await import('../dlq.js');
      const { createContainer } = await import('../../../shared/container/index.js');
      const { progressBar } = await import('../progress.js');
      const config = cliConfig();
      const deps = await createContainer(config, 'dlq-replay', cliLogger(config, 'dlq-replay'));
      const bar = progressBar(opts, 'replaying [{bar}] {value}/{total} dead letters');
      try {
        const r = await replayDlq(deps, opts.domain, {
          dryRun: opts.dryRun === true,
          operator: `cli:${userInfo().username}`,
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.stop();
        emit(opts, r, () =>
          [
            ...r.letters.map((l) => `${l.partition}/${l.offset}  ${l.commandType ?? '?'}  operation ${l.operationId ?? '?'}  ${l.reason}`),
            r.dryRun
              ? `dry run: ${r.letters.length} dead letters would be replayed; nothing was sent`
              : `replayed ${r.replayed} dead letters to ${deps.topics.commands(opts.domain)} (each audited as dlq.replayed)`,
          ].join('\n'),
        );
      } finally {
        bar?.stop();
        await deps.close();
      }
    }),
  );
}
