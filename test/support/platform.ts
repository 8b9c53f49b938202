import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig, type Config } from '../../shared/config';
import { setupPlatform } from '../../ops/cli/setup';
import { createContainer, type Deps } from '../../shared/container';
import { createApp, createGatewayServices, type GatewayServices } from '../../gateway/app';
import { createGatewayServer } from '../../gateway/http/server';
import type { Worker } from '../../shared/worker';
import type { Domain } from '../../schemas/catalog';
import { DOMAIN_WORKERS } from '../../workers/domains';
import { startWorkerHost, type DomainWorkerOptions, type WorkerHost } from '../../shared/worker';
import { OutboxRelay } from '../../shared/outbox';
import { Tenant } from '../../shared/orm';
import { ROLE_PERMISSIONS, type Role } from '../../gateway/auth/permissions';

/**
 * A domain's wiring exactly as its main.ts and `stateset worker` use it (workers/<domain>/wiring.ts),
 * built from the test's config: tests that run a bare worker take its handlers from here.
 */
export function workerOptions(domain: Domain, config: Config): DomainWorkerOptions {
  return DOMAIN_WORKERS[domain].options(config);
}

/**
 * Topics of their own for one test file (created, schemas registered; same PostgreSQL schema):
 * for tests that count a whole topic, or leave a backlog no later test should inherit.
 */
export async function ownTopics(): Promise<Record<string, string>> {
  const overrides = { KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}own-${randomBytes(3).toString('hex')}.` };
  await setupPlatform(testConfig(overrides));
  return overrides;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(process.env, { METRICS_PORT: '0', ...overrides });
}

export interface RunningGateway {
  deps: Deps;
  services: GatewayServices;
  url: string;
  server: Server;
  /** stands in for the workers' relays, which publish the gateway's outbox rows in production; null with `{ relay: false }` */
  relay: OutboxRelay | null;
  close(): Promise<void>;
}

/**
 * A real gateway on an ephemeral port, wired to the real services of this run. gateway/main.ts runs
 * no outbox relay (the workers' relays publish its audit rows); a test without workers gets one here
 * unless it asks for none.
 */
export async function startGateway(
  overrides: Record<string, string> = {},
  services?: Partial<GatewayServices>,
  opts: { relay?: boolean } = {},
): Promise<RunningGateway> {
  // Rate-limit state of its own unless a test shares it on purpose (several instances, one limit).
  const isolated = { REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`, ...overrides };
  const deps = await createContainer(testConfig(isolated), 'gateway');
  const svc = createGatewayServices(deps, services);
  const { app } = createApp(deps, svc);
  // As gateway/main.ts serves it: HTTPS when the overrides name a certificate and key.
  const { server, protocol, close: stopWatchingCertificate } = createGatewayServer(deps.config, app, deps.logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = opts.relay === false ? null : new OutboxRelay(deps.orm, deps.publisher, deps.codec, deps.logger, deps.metrics, 50, deps.notifications);
  relay?.start();
  const { port } = server.address() as AddressInfo;
  return {
    deps,
    services: svc,
    server,
    relay,
    url: `${protocol}://${protocol === 'https' ? 'localhost' : '127.0.0.1'}:${port}`,
    async close() {
      stopWatchingCertificate();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await svc.stop?.();
      await relay?.stop();
      await deps.close();
    },
  };
}

export interface RunningWorker {
  deps: Deps;
  worker: Worker;
  host: WorkerHost;
  close(): Promise<void>;
}

/** A real worker process's insides for one domain: its consumer and the process's outbox relay. */
export async function startWorker(domain: Domain, overrides: Record<string, string> = {}): Promise<RunningWorker> {
  const deps = await createContainer(testConfig({ OUTBOX_POLL_MS: '50', ...overrides }), `worker-${domain}`);
  const host = await startWorkerHost(deps, [DOMAIN_WORKERS[domain]]);
  return {
    deps,
    worker: host.workers[0]!,
    host,
    async close() {
      await host.stop();
      await deps.close();
    },
  };
}

/** A tenant and a key with a role's permissions, straight through the key store. */
export async function createTenantKey(gw: RunningGateway, tenantId: string, role: Role = 'admin'): Promise<string> {
  const em = gw.deps.orm.em.fork();
  if (!(await em.findOne(Tenant, { id: tenantId }))) await em.insert(Tenant, { id: tenantId, name: tenantId, createdAt: new Date() });
  const { secret } = await gw.services.apiKeys.create({
    tenantId,
    name: `${role} test key`,
    role,
    permissions: ROLE_PERMISSIONS[role],
    createdBy: 'test',
  });
  return secret;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
