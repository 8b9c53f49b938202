import { execFileSync } from 'node:child_process';

/** The real services the integration and end-to-end tiers talk to, named by env vars. */
export const SERVICE_VARS = {
  postgres: 'DATABASE_URL',
  redis: 'REDIS_URL',
  kafka: 'KAFKA_BROKERS',
  registry: 'SCHEMA_REGISTRY_URL',
} as const;

function containerRuntimeAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns env overrides for every service. A service whose variable is unset is started with
 * testcontainers when a container runtime exists; otherwise the run fails naming it. Never skips.
 */
export async function resolveServices(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const missing = Object.entries(SERVICE_VARS).filter(([, v]) => !env[v]);
  if (missing.length === 0) return {};
  if (!containerRuntimeAvailable()) {
    throw new Error(
      `missing test services: ${missing.map(([name, v]) => `${name} (${v})`).join(', ')}; ` +
        'set the variables (`bash ops/infra/up.sh && source .infra/env`, which `npm test` does) or provide a container runtime for testcontainers',
    );
  }
  const { startContainers } = await import('./containers.js');
  return startContainers(missing.map(([name]) => name as keyof typeof SERVICE_VARS));
}
