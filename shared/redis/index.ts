import { Redis } from 'ioredis';
import { backoffDelay } from '../retry';

/**
 * Redis client that fails fast instead of queueing commands while disconnected. Commands issued in
 * the same event-loop turn (the rate-limit scripts of concurrent requests) share one round trip.
 */
export function createRedis(url: string, keyPrefix: string): Redis {
  return new Redis(url, {
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
export type { Redis };
