import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfig, type Config } from '../../shared/config';
import { createContainer, type Deps } from '../../shared/container';
import { createApp, createGatewayServices, type GatewayServices } from '../../gateway/app';
import { runWorker, type Worker } from '../../shared/worker';
import type { Domain } from '../../schemas/catalog';
import { orderHandlers } from '../../workers/orders/handlers';
import { orderEventHandlers } from '../../workers/orders/wiring';
import { inventoryHandlers } from '../../workers/inventory/handlers';
import { inventoryEventHandlers, inventoryTimers } from '../../workers/inventory/wiring';
import { returnHandlers } from '../../workers/returns/handlers';
import { returnEventHandlers } from '../../workers/returns/wiring';
import { shipmentHandlers } from '../../workers/shipments/handlers';
import { shipmentEventHandlers } from '../../workers/shipments/wiring';
import { warrantyHandlers } from '../../workers/warranties/handlers';
import { warrantyEventHandlers, warrantyTimers } from '../../workers/warranties/wiring';
import type { WorkerOptions } from '../../shared/worker';
import { OutboxRelay } from '../../shared/outbox';
import { Tenant } from '../../shared/orm';
import { ROLE_PERMISSIONS, type Role } from '../../gateway/auth/permissions';

/** Each domain's handlers as its main.ts wires them (TTL from the test's config). */
export function workerOptions(domain: Domain, config: Config): Omit<WorkerOptions, 'domain'> {
  switch (domain) {
    case 'orders':
      return { handlers: orderHandlers, eventHandlers: orderEventHandlers };
    case 'inventory':
      return { handlers: inventoryHandlers(config.RESERVATION_TTL_S), eventHandlers: inventoryEventHandlers(config.RESERVATION_TTL_S), timers: inventoryTimers() };
    case 'returns':
      return { handlers: returnHandlers, eventHandlers: returnEventHandlers };
    case 'shipments':
      return { handlers: shipmentHandlers, eventHandlers: shipmentEventHandlers };
    case 'warranties':
      return { handlers: warrantyHandlers, eventHandlers: warrantyEventHandlers, timers: warrantyTimers() };
    default:
      throw new Error(`no worker wiring for ${domain} yet`);
  }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(process.env, { METRICS_PORT: '0', ...overrides });
}

export interface RunningGateway {
  deps: Deps;
  services: GatewayServices;
  url: string;
  server: Server;
  relay: OutboxRelay;
  close(): Promise<void>;
}

/** A real gateway on an ephemeral port, wired to the real services of this run. */
export async function startGateway(overrides: Record<string, string> = {}, services?: Partial<GatewayServices>): Promise<RunningGateway> {
  // Rate-limit state of its own unless a test shares it on purpose (several instances, one limit).
  const isolated = { REDIS_KEY_PREFIX: `test-${randomBytes(4).toString('hex')}:`, ...overrides };
  const deps = await createContainer(testConfig(isolated), 'gateway');
  const svc = createGatewayServices(deps, services);
  const { app } = createApp(deps, svc);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const relay = new OutboxRelay(deps.orm, deps.publisher, deps.codec, deps.logger, deps.metrics, 50);
  relay.start();
  const { port } = server.address() as AddressInfo;
  return {
    deps, services: svc, server, relay, url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await relay.stop();
      await deps.close();
    },
  };
}

export interface RunningWorker {
  deps: Deps;
  worker: Worker;
  close(): Promise<void>;
}

export async function startWorker(domain: Domain, overrides: Record<string, string> = {}): Promise<RunningWorker> {
  const deps = await createContainer(testConfig({ OUTBOX_POLL_MS: '50', ...overrides }), `worker-${domain}`);
  const worker = await runWorker(deps, { domain, ...workerOptions(domain, deps.config) });
  return {
    deps, worker,
    async close() {
      await worker.stop();
      await deps.close();
    },
  };
}

/** A tenant and a key with a role's permissions, straight through the key store. */
export async function createTenantKey(gw: RunningGateway, tenantId: string, role: Role = 'admin'): Promise<string> {
  const em = gw.deps.orm.em.fork();
  if (!(await em.findOne(Tenant, { id: tenantId }))) await em.insert(Tenant, { id: tenantId, name: tenantId, createdAt: new Date() });
  const { secret } = await gw.services.apiKeys.create({
    tenantId, name: `${role} test key`, role, permissions: ROLE_PERMISSIONS[role], createdBy: 'test',
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
