import type { Command } from 'commander';
import { arg } from '../args';
import { emit, type OutputOptions } from '../output';
import { run, withJson } from './common';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').summary("Kafka topics as this deployment's consumer groups see them");
  withJson(
    topics
      .command('status')
      .summary('lag per consumer group and partition (workers, audit sink, webhooks, DLQ replay cursors)')
      .option('--group <id>', 'only this consumer group', arg('group')),
  ).action(
    run(async (opts: OutputOptions & { group?: string }) => {
      const { cliConfig } = await import('../config.js');
      const { topicsStatus } = await import('../topics.js');
      const groups = await topicsStatus(cliConfig(), { group: opts.group });
      emit(opts, groups, () =>
        groups.length
          ? groups
              .flatMap((g) => [
                `${g.group}  ${g.state}, ${g.members} members, lag ${g.lag}`,
                ...g.partitions.map((p) => `  ${p.topic}[${p.partition}]  committed ${p.committed ?? '-'}  end ${p.end}  lag ${p.lag}`),
              ])
              .join('\n')
          : 'no consumer groups of this deployment',
      );
    }),
  );
}
