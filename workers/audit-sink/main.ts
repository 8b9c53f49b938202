import { loadConfig } from '../../shared/config';
import { createContainer } from '../../shared/container';
import { exitOnStartFailure } from '../../shared/logger';
import { metricsPort, onShutdown, startMetricsServer } from '../../shared/process';
import { createWormStore } from './store';
import { wormStoreConfig } from './store-config';
import { assertKeyCustody } from './key-custody';
import { AuditSink } from './sink';
import { ensureObjectLockBucket } from './s3-bucket';
import { primeCounters } from '../../shared/metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  const storeConfig = wormStoreConfig(config);
  // Before connecting to anything: outside development and tests (production, or NODE_ENV forgotten)
  // the sink never runs on a key it should not hold.
  if (config.NODE_ENV !== 'development' && config.NODE_ENV !== 'test') await assertKeyCustody(storeConfig);
  const deps = await createContainer(config, 'audit-sink');
  const metricsServer = await startMetricsServer(deps.metrics.registry, config.METRICS_HOST, metricsPort(config.METRICS_PORT, 'audit-sink'));
  primeCounters(deps.metrics, 'audit-sink');
  if (storeConfig.kind === 's3') await ensureObjectLockBucket(storeConfig);
  const sink = new AuditSink(deps, createWormStore(storeConfig), storeConfig);
  await sink.start();
  deps.logger.info({ store: config.AUDIT_STORE }, 'audit sink started');
  onShutdown(deps.logger, async () => {
    await sink.stop();
    metricsServer.close();
    await deps.close();
  });
}

main().catch(exitOnStartFailure('audit-sink'));
