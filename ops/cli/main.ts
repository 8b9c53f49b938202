/**
 * `stateset` admin CLI (docs/CLI.md; `stateset --help`). The command tree is ops/cli/program.ts, one
 * file per command group under ops/cli/commands/. `stateset worker …` is handed to the worker before
 * anything else is loaded: a worker process carries no setup, audit or CLI code.
 */
import { EXIT } from './exit-codes';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'worker') {
    const { runWorkerProcess } = await import('../../workers/main.js');
    await runWorkerProcess(argv.slice(1));
    return -1; // runs until SIGTERM
  }
  const { buildProgram } = await import('./program.js');
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    // By its code rather than instanceof: under tsx the ESM-only commander may load twice.
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('commander.')) throw err;
    // Help and --version asked for are success; every other parse error (unknown command or option,
    // a missing or invalid argument, a group without its subcommand) is a usage error.
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  async (err: unknown) => {
    const { exitCodeOf } = await import('./output.js');
    console.error(`stateset: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(exitCodeOf(err));
  },
);
