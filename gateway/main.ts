import { loadConfig } from '../shared/config';
import { createContainer } from '../shared/container';
import { exitOnStartFailure } from '../shared/logger';
import { metricsPort, onShutdown, startMetricsServer } from '../shared/process';
import { OutboxRelay } from '../shared/outbox';
import { createApp, createGatewayServices } from './app';
import { primeCounters } from '../shared/metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  const deps = await createContainer(config, 'gateway');
  primeCounters(deps.metrics, 'gateway');
  const services = createGatewayServices(deps);
  const { app } = createApp(deps, services);
  const metricsServer = await startMetricsServer(deps.metrics.registry, config.METRICS_HOST, metricsPort(config.METRICS_PORT, 'gateway'));
  // The gateway's own audit records (auth failures, key actions) leave through the outbox.
  const relay = new OutboxRelay(deps.orm, deps.publisher, deps.codec, deps.logger, deps.metrics, config.OUTBOX_POLL_MS, deps.notifications);
  relay.start();
  const server = app.listen(config.HTTP_PORT, config.HTTP_HOST, () => {
    deps.logger.info({ host: config.HTTP_HOST, port: config.HTTP_PORT }, 'gateway listening');
  });
  onShutdown(deps.logger, async () => {
    await new Promise<void>((r) => server.close(() => r()));
    metricsServer.close();
    await services.stop?.();
    await relay.stop();
    await deps.close();
  });
}

main().catch(exitOnStartFailure('gateway'));
