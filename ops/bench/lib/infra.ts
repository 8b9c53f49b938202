import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const NEEDED = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL', 'REDIS_URL'] as const;

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** `source .infra/env`, for the variables the caller has not set itself. */
function readEnvFile(file: string): void {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*export\s+([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m && process.env[m[1]!] === undefined) process.env[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/**
 * The infrastructure the run needs: the variables of .infra/env (starting Kafka and the registry
 * with ops/infra/up.sh when they are not set or not answering), then the compiled processes.
 * Returns whether this run started Kafka (then it stops the infrastructure at the end).
 */
export async function prepareInfra(log: (m: string) => void): Promise<{ startedInfra: boolean }> {
  const envFile = path.join(ROOT, '.infra', 'env');
  if (NEEDED.some((k) => !process.env[k]) && fs.existsSync(envFile)) readEnvFile(envFile);
  const broker = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0]!;
  const [host, port] = [broker.split(':')[0]!, Number(broker.split(':')[1] ?? 9092)];
  let startedInfra = false;
  if (NEEDED.some((k) => !process.env[k]) || !(await portOpen(host, port))) {
    startedInfra = !(await portOpen(host, port));
    log('starting the infrastructure: bash ops/infra/up.sh');
    run('bash', ['ops/infra/up.sh']);
    readEnvFile(envFile);
  }
  log('building: npm run --silent build');
  run('npm', ['run', '--silent', 'build']);
  return { startedInfra };
}

export function stopInfra(log: (m: string) => void): void {
  log('stopping the infrastructure this run started: bash ops/infra/down.sh');
  spawnSync('bash', ['ops/infra/down.sh'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}
