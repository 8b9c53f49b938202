import type { Command } from 'commander';

/**
 * Listed for --help only: main.ts hands `stateset worker …` to the worker before commander is loaded,
 * so a worker process parses its own arguments (workers/main.ts) and carries no CLI code.
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('a worker process hosting some domains (runs until SIGTERM)')
    .option('--domains <list>', 'all, or domains separated by commas (orders,inventory,…)', 'all')
    .option('--webhooks', 'run the webhook dispatcher in this process too');
}
