import { loadConfig } from '../../shared/config';
import { assertDeployable } from '../../shared/config/deployment-checks';
import { createContainer } from '../../shared/container';
import { exitOnStartFailure } from '../../shared/logger';
import { metricsPort, onShutdown, startMetricsServer } from '../../shared/process';
import { createWormStore } from './store';
import { wormStoreConfig } from './store-config';
import { assertKeyCustody } from './key-custody';
import { auditSinkChecks } from './deployment-checks';
import { AuditSink } from './sink';
import { ensureObjectLockBucket } from './s3-bucket';
import { primeCounters } from '../../shared/metrics';

/** Longer than a group rebalance takes while dead members' sessions (30 s) run out. */
const SINK_KAFKA_REQUEST_TIMEOUT_MS = 40_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const storeConfig = wormStoreConfig(config);
  // Before connecting to anything. In production the key's custody is one more item of the checklist
  // every process refuses to start on (read once, there); with NODE_ENV forgotten it is refused on its own.
  const warnings = config.NODE_ENV === 'production' ? assertDeployable(config, 'audit-sink', await auditSinkChecks(config)) : [];
  if (config.NODE_ENV === undefined) await assertKeyCustody(storeConfig);
  // The sink answers no client: its Kafka requests may wait long enough for a SyncGroup during the
  // rebalances that follow crashes. With the gateway's 5 s, a SyncGroup timed out, kafkajs restarted the
  // consumer as a new member, and the group kept rebalancing (seen in the fault tier's s3 run).
  const deps = await createContainer(
    { ...config, KAFKA_REQUEST_TIMEOUT_MS: Math.max(config.KAFKA_REQUEST_TIMEOUT_MS, SINK_KAFKA_REQUEST_TIMEOUT_MS) },
    'audit-sink',
  );
  for (const w of warnings) deps.logger.warn({ check: w.check, fix: w.fix }, `deployment check: ${w.detail}`);
  const metricsServer = await startMetricsServer(
    deps.metrics.registry,
    config.METRICS_HOST,
    metricsPort(config.METRICS_PORT, 'audit-sink'),
    config.METRICS_BEARER_TOKEN,
  );
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
