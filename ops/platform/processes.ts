/** The processes of the platform, their entry files and their metrics ports (METRICS_PORT + offset). */
export const PROCESSES = [
  { name: 'gateway', entry: 'gateway/main.ts', metricsOffset: 0 },
  { name: 'worker-orders', entry: 'workers/orders/main.ts', metricsOffset: 1 },
  { name: 'worker-inventory', entry: 'workers/inventory/main.ts', metricsOffset: 2 },
  { name: 'worker-returns', entry: 'workers/returns/main.ts', metricsOffset: 3 },
  { name: 'worker-shipments', entry: 'workers/shipments/main.ts', metricsOffset: 4 },
  { name: 'worker-warranties', entry: 'workers/warranties/main.ts', metricsOffset: 5 },
  { name: 'audit-sink', entry: 'workers/audit-sink/main.ts', metricsOffset: 6 },
] as const;
