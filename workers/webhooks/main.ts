/**
 * The webhook dispatcher as a process of its own (the production shape):
 *   node dist/workers/webhooks/main.js
 * `npm start` runs it inside the all-in-one worker instead (workers/main.ts --webhooks).
 */
import { loadConfig } from '../../shared/config';
import { assertDeployable } from '../../shared/config/deployment-checks';
import { createContainer } from '../../shared/container';
import { exitOnStartFailure } from '../../shared/logger';
import { primeCounters } from '../../shared/metrics';
import { metricsPort, onShutdown, startMetricsServer } from '../../shared/process';
import { startWebhookDispatcher } from './dispatcher';

async function main(): Promise<void> {
  const config = loadConfig();
  const warnings = assertDeployable(config, 'worker');
  const deps = await createContainer(config, 'webhooks');
  for (const w of warnings) deps.logger.warn({ check: w.check, fix: w.fix }, `deployment check: ${w.detail}`);
  primeCounters(deps.metrics, 'webhooks');
  const metricsServer = await startMetricsServer(
    deps.metrics.registry,
    config.METRICS_HOST,
    metricsPort(config.METRICS_PORT, 'webhooks'),
    config.METRICS_BEARER_TOKEN,
  );
  const dispatcher = await startWebhookDispatcher(deps);
  deps.logger.info('webhook dispatcher started');
  onShutdown(deps.logger, async () => {
    await dispatcher.stop();
    metricsServer.close();
    await deps.close();
  });
}

if (require.main === module) main().catch(exitOnStartFailure('webhooks'));
