import type { ProcessName } from '../../shared/process';

/** The processes of the platform and their entry files (metrics ports: shared/process METRICS_PORT_OFFSETS). */
export const PROCESSES = [
  { name: 'gateway', entry: 'gateway/main.ts' },
  { name: 'worker-orders', entry: 'workers/orders/main.ts' },
  { name: 'worker-inventory', entry: 'workers/inventory/main.ts' },
  { name: 'worker-returns', entry: 'workers/returns/main.ts' },
  { name: 'worker-shipments', entry: 'workers/shipments/main.ts' },
  { name: 'worker-warranties', entry: 'workers/warranties/main.ts' },
  { name: 'audit-sink', entry: 'workers/audit-sink/main.ts' },
] as const satisfies readonly { name: ProcessName; entry: string }[];
