import { Command } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes';
import { registerAudit } from './commands/audit';
import { registerDlq } from './commands/dlq';
import { registerDoctor } from './commands/doctor';
import { registerKeys } from './commands/keys';
import { registerOperations } from './commands/operations';
import { registerSetup } from './commands/setup';
import { registerTenants } from './commands/tenants';
import { registerTopics } from './commands/topics';
import { registerWebhooks } from './commands/webhooks';
import { registerWorker } from './commands/worker';

/** Applied to every command, so a subcommand's errors and help behave as the program's do. */
function configure(cmd: Command): void {
  cmd
    .exitOverride()
    .helpCommand(false)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText('after', `\n${EXIT_CODES_HELP}\nMore: docs/CLI.md`);
  for (const sub of cmd.commands) configure(sub);
}

/**
 * The `stateset` command tree. Each group's file only declares its commands; an action imports what
 * it needs when it runs, so `stateset keys list` loads no Kafka or audit-store code.
 */
export function buildProgram(): Command {
  const program = new Command('stateset').description(
    'StateSet admin CLI. Admin commands (setup, tenants, keys, audit, dlq, topics) read the same environment as the ' +
      'processes (DATABASE_URL, KAFKA_BROKERS, …); operations and webhooks talk to the gateway over HTTP ' +
      '(--url / STATESET_URL, --api-key / STATESET_API_KEY).',
  );
  registerSetup(program);
  registerDoctor(program);
  registerTenants(program);
  registerKeys(program);
  registerAudit(program);
  registerDlq(program);
  registerOperations(program);
  registerTopics(program);
  registerWebhooks(program);
  registerWorker(program);
  configure(program);
  return program;
}
