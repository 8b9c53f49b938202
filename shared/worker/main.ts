import type { Domain } from '../../schemas/catalog';
import { loadConfig } from '../config';
import { createContainer } from '../container';
import { onShutdown, startMetricsServer } from '../process';
import { runWorker, type WorkerOptions } from './run-worker';

/** Shared body of every workers/<domain>/main.ts: config → container → worker → SIGTERM. */
export async function workerMain(domain: Domain, opts: Omit<WorkerOptions, 'domain'>, metricsPortOffset: number): Promise<void> {
  const config = loadConfig();
  const deps = await createContainer(config, `worker-${domain}`);
  const metricsServer = await startMetricsServer(deps.metrics.registry, config.METRICS_HOST, config.METRICS_PORT === 0 ? 0 : config.METRICS_PORT + metricsPortOffset);
  const worker = await runWorker(deps, { domain, ...opts });
  onShutdown(deps.logger, async () => {
    await worker.stop();
    metricsServer.close();
    await deps.close();
  });
}
