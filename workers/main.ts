/**
 * A worker process hosting one or more domains:
 *   node dist/workers/main.js --domains all
 *   node dist/workers/main.js --domains orders,inventory
 * (also `stateset worker --domains …`). Exit code 2 on a bad argument.
 */
import { parseArgs } from 'node:util';
import { exitOnStartFailure } from '../shared/logger';
import { workerMain } from '../shared/worker/main';
import { UnknownDomainError, parseDomains } from './domains';

export async function runWorkerProcess(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { domains: { type: 'string', default: 'all' } }, strict: true });
  await workerMain(parseDomains(values.domains));
}

if (require.main === module) {
  runWorkerProcess(process.argv.slice(2)).catch(
    exitOnStartFailure('worker', (err) => (err instanceof UnknownDomainError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1)),
  );
}
