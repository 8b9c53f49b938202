/**
 * A worker process hosting one or more domains:
 *   node dist/workers/main.js --domains all
 *   node dist/workers/main.js --domains orders,inventory
 *   node dist/workers/main.js --domains all --webhooks   (the all-in-one of `npm start`: the webhook dispatcher too)
 * (also `stateset worker --domains …`). Exit code 2 on a bad argument.
 */
import { parseArgs } from 'node:util';
import { exitOnStartFailure } from '../shared/logger';
import { workerMain } from '../shared/worker/main';
import { UnknownDomainError, parseDomains } from './domains';
import type { Deps } from '../shared/container';
import { primeCounters } from '../shared/metrics';
import { startWebhookDispatcher } from './webhooks/dispatcher';

export async function runWorkerProcess(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { domains: { type: 'string', default: 'all' }, webhooks: { type: 'boolean', default: false } },
    strict: true,
  });
  await workerMain(parseDomains(values.domains), values.webhooks ? { alsoRun: runWebhookDispatcher } : {});
}

async function runWebhookDispatcher(deps: Deps) {
  primeCounters(deps.metrics, 'webhooks');
  const dispatcher = await startWebhookDispatcher(deps);
  deps.logger.info('webhook dispatcher started in the worker process');
  return dispatcher;
}

if (require.main === module) {
  runWorkerProcess(process.argv.slice(2)).catch(
    exitOnStartFailure('worker', (err) => (err instanceof UnknownDomainError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1)),
  );
}
