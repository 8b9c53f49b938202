import fs from 'node:fs';
import { Redis } from 'ioredis';
import { ConfigError } from '../errors';
import { backoffDelay } from '../retry';

/**
 * Redis client that fails fast instead of queueing commands while disconnected. Commands issued in
 * the same event-loop turn (the rate-limit scripts of concurrent requests) share one round trip.
 */
export function createRedis(url: string, keyPrefix: string, tlsCaFile?: string): Redis {
  return new Redis(url, {
    // rediss:// turns TLS on (host name and chain verified); the CA file pins a private CA.
    ...(new URL(url).protocol === 'rediss:' ? { tls: { ca: tlsCaFile ? readCa(tlsCaFile) : undefined, rejectUnauthorized: true } } : {}),
    keyPrefix,
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (times) => backoffDelay(times, { initialMs: 200, maxMs: 2000 }),
  });
}

function readCa(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ConfigError(`REDIS_TLS_CA_FILE: cannot read ${file}`);
  }
}
export type { Redis };
