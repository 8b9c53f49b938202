import type { ProcessName } from '../../shared/process';

/**
 * The processes `npm start` runs, compiled (`npm run build`), and their arguments. One worker
 * hosts every domain; docker-compose runs one per domain instead (the production shape).
 * Metrics ports: shared/process METRICS_PORT_OFFSETS.
 */
export const PROCESSES = [
  { name: 'gateway', entry: 'dist/gateway/main.js', args: [] },
  { name: 'worker', entry: 'dist/workers/main.js', args: ['--domains', 'all'] },
  { name: 'audit-sink', entry: 'dist/workers/audit-sink/main.js', args: [] },
] as const satisfies readonly { name: ProcessName; entry: string; args: readonly string[] }[];
