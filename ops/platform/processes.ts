import type { ProcessName } from '../../shared/process';

/**
 * The processes `npm start` runs, compiled (`npm run build`), and their arguments. One worker
 * hosts every domain and the webhook dispatcher; docker-compose runs one per domain and a
 * dispatcher of its own instead (the production shape).
 * Metrics ports: shared/process METRICS_PORT_OFFSETS.
 */
/**
 * V8 flags of every platform process (npm start, the benchmarks, the container image). Under load
 * V8 grows each young-generation semi-space to 16–32 MB and keeps it; 4 MB holds the request
 * path's short-lived garbage at a small extra GC cost and keeps RSS within the memory goals
 * (docs/BENCHMARKS.md, "memory").
 */
export const NODE_FLAGS = ['--max-semi-space-size=4'] as const;

export const PROCESSES = [
  { name: 'gateway', entry: 'dist/gateway/main.js', args: [] },
  { name: 'worker', entry: 'dist/workers/main.js', args: ['--domains', 'all', '--webhooks'] },
  { name: 'audit-sink', entry: 'dist/workers/audit-sink/main.js', args: [] },
] as const satisfies readonly { name: ProcessName; entry: string; args: readonly string[] }[];
