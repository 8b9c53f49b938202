import type { Domain } from '../../schemas/catalog';
import { loadConfig } from '../config';
import { createContainer } from '../container';
import { metricsPort, onShutdown, startMetricsServer } from '../process';
import { runWorker, type WorkerOptions } from './run-worker';

/** Shared body of every workers/<domain>/main.ts: config → container → worker → SIGTERM. */
export async function workerMain(domain: Domain, opts: Omit<WorkerOptions, 'domain'>): Promise<void> {
  const config = loadConfig();
  const deps = await createContainer(config, `worker-${domain}`);
  const metricsServer = await startMetricsServer(deps.metrics.registry, config.METRICS_HOST, metricsPort(config.METRICS_PORT, `worker-${domain}`));
  const worker = await runWorker(deps, { domain, ...opts });
  onShutdown(deps.logger, async () => {
    await worker.stop();
    metricsServer.close();
    await deps.close();
  });
}
