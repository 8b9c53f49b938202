import type { Command } from 'commander';
import { arg, type CliArg } from '../args';
import { emit, type OutputOptions } from '../output';
import { run, withJson } from './common';

export function registerDoctor(program: Command): void {
  withJson(
    program
      .command('doctor')
      .summary('the deployment checklist against this configuration (no connection is made)')
      .description(
        "Checks the effective configuration (the environment the processes read) against SECURITY.md's checklist: " +
          'one PASS, WARN or FAIL line per item with its fix. Exit 1 when an item fails (with --production also when one warns).',
      )
      .option('--production', 'count warnings as failures')
      .option('--for <process>', 'only the items of one process: all, gateway, worker or audit-sink', arg('for'), 'all'),
  ).action(
    run(async (opts: OutputOptions & { production?: boolean; for: CliArg<'for'> }) => {
      // Before loadConfig: a configuration the processes would refuse is a finding here, not a crash.
      const { doctorExitCode, formatDoctor, runDoctor } = await import('../doctor.js');
      const checks = await runDoctor(process.env, process.getuid?.(), opts.for);
      emit(opts, checks, () => formatDoctor(checks));
      return doctorExitCode(checks, opts.production === true);
    }),
  );
}
