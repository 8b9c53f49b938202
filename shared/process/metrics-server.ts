import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { Registry } from 'prom-client';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A bare /metrics listener for Prometheus, apart from the API port. With a bearer token (for a
 * listener that must bind a shared network, e.g. 0.0.0.0 inside a container) a scrape without it
 * gets 401; the comparison is on digests, in constant time.
 */
export async function startMetricsServer(registry: Registry, host: string, port: number, bearerToken?: string): Promise<http.Server> {
  const expected = bearerToken ? digest(`Bearer ${bearerToken}`) : undefined;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Content-Type': 'text/plain' });
        res.end('unauthorized\n');
        return;
      }
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * Where each process serves /metrics: METRICS_PORT plus its offset (0 = an ephemeral port for
 * tests). ops/prometheus/prometheus.yml scrapes these ports.
 */
export const METRICS_PORT_OFFSETS = {
  gateway: 0,
  'worker-orders': 1,
  'worker-inventory': 2,
  'worker-returns': 3,
  'worker-shipments': 4,
  'worker-warranties': 5,
  'audit-sink': 6,
  /** Several domains in one process (`npm start`, `stateset worker --domains all`). */
  worker: 7,
  /** The webhook dispatcher as a process of its own (inside `worker` for `npm start`). */
  webhooks: 8,
} as const;
export type ProcessName = keyof typeof METRICS_PORT_OFFSETS;

export function metricsPort(basePort: number, service: ProcessName): number {
  return basePort === 0 ? 0 : basePort + METRICS_PORT_OFFSETS[service];
}
