import { loadConfig } from '../config';
import { assertDeployable } from '../config/deployment-checks';
import { createContainer } from '../container';
import { metricsPort, onShutdown, startMetricsServer, type ProcessName } from '../process';
import { startWorkerHost, type DomainWorker } from './host';
import type { Deps } from '../container';

/** The process name of a worker hosting these domains: `worker-<domain>` for one, `worker` for several. */
export function workerProcessName(domains: readonly DomainWorker[]): ProcessName {
  return domains.length === 1 ? (`worker-${domains[0]!.domain}` as const) : 'worker';
}

export interface WorkerProcessOptions {
  /** Something else this process runs beside its domains (the webhook dispatcher of the all-in-one worker); stopped first. */
  alsoRun?: (deps: Deps) => Promise<{ stop(): Promise<void> }>;
}

/** Shared body of every worker process: config → container → one worker per domain → SIGTERM drains all. */
export async function workerMain(domains: readonly DomainWorker[], opts: WorkerProcessOptions = {}): Promise<void> {
  if (domains.length === 0) throw new Error('a worker process needs at least one domain');
  const config = loadConfig();
  const name = workerProcessName(domains);
  const warnings = assertDeployable(config, 'worker');
  const deps = await createContainer(config, name);
  for (const w of warnings) deps.logger.warn({ check: w.check, fix: w.fix }, `deployment check: ${w.detail}`);
  const metricsServer = await startMetricsServer(
    deps.metrics.registry,
    config.METRICS_HOST,
    metricsPort(config.METRICS_PORT, name),
    config.METRICS_BEARER_TOKEN,
  );
  const host = await startWorkerHost(deps, domains);
  const also = opts.alsoRun ? await opts.alsoRun(deps) : null;
  deps.logger.info({ domains: domains.map((d) => d.domain) }, 'worker process started');
  onShutdown(deps.logger, async () => {
    await also?.stop();
    await host.stop();
    metricsServer.close();
    await deps.close();
  });
}
