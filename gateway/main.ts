import { loadConfig } from '../shared/config';
import { assertDeployable } from '../shared/config/deployment-checks';
import { createContainer } from '../shared/container';
import { exitOnStartFailure } from '../shared/logger';
import { metricsPort, onShutdown, startMetricsServer } from '../shared/process';
import { createApp, createGatewayServices } from './app';
import { createGatewayServer } from './http/server';
import { primeCounters } from '../shared/metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  const warnings = assertDeployable(config, 'gateway');
  const deps = await createContainer(config, 'gateway');
  for (const w of warnings) deps.logger.warn({ check: w.check, fix: w.fix }, `deployment check: ${w.detail}`);
  primeCounters(deps.metrics, 'gateway');
  const services = createGatewayServices(deps);
  const { app } = createApp(deps, services);
  const metricsServer = await startMetricsServer(
    deps.metrics.registry,
    config.METRICS_HOST,
    metricsPort(config.METRICS_PORT, 'gateway'),
    config.METRICS_BEARER_TOKEN,
  );
  // No outbox relay here: the gateway's audit records (accepted commands, auth failures, key actions)
  // are outbox rows that the workers' relays publish. Its Kafka user may write commands only — a
  // compromised gateway cannot put records on the audit topic or events on an event topic.
  const { server, protocol, close: stopWatchingCertificate } = createGatewayServer(config, app, deps.logger);
  server.listen(config.HTTP_PORT, config.HTTP_HOST, () => {
    deps.logger.info({ host: config.HTTP_HOST, port: config.HTTP_PORT, protocol }, 'gateway listening');
  });
  onShutdown(deps.logger, async () => {
    stopWatchingCertificate();
    await new Promise<void>((r) => server.close(() => r()));
    metricsServer.close();
    await services.stop?.();
    await deps.close();
  });
}

main().catch(exitOnStartFailure('gateway'));
