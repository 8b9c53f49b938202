import type { Domain } from '../../schemas/catalog';
import { loadConfig } from '../config';
import { createContainer } from '../container';
import { onShutdown, startMetricsServer } from '../process';
import type { CommandHandler } from './handler';
import { runWorker } from './run-worker';

/** Shared body of every workers/<domain>/main.ts: config → container → worker → SIGTERM. */
export async function workerMain(domain: Domain, handlers: CommandHandler<never>[], metricsPortOffset: number): Promise<void> {
  const config = loadConfig();
  const deps = await createContainer(config, `worker-${domain}`);
  const metricsServer = await startMetricsServer(deps.metrics.registry, config.METRICS_HOST, config.METRICS_PORT === 0 ? 0 : config.METRICS_PORT + metricsPortOffset);
  const worker = await runWorker(deps, { domain, handlers });
  onShutdown(deps.logger, async () => {
    await worker.stop();
    metricsServer.close();
    await deps.close();
  });
}
