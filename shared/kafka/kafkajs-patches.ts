/**
 * kafkajs 2.2.4 is the current release and has no fix for this yet (tulios/kafkajs#1751, fix
 * proposed in #1768): RequestQueue.scheduleCheckPendingRequests computes `throttledUntil - now`
 * with `throttledUntil = -1` when the broker never throttled, so with nothing pending it calls
 * setTimeout with a huge negative delay. Node ≥ 24 prints a TimeoutNegativeWarning for that, and
 * the timer fires after 1 ms, only to schedule itself again. The replacement keeps the original
 * logic for a throttled queue and for pending requests, and schedules nothing when there is
 * nothing to check (fulfilling or pushing a request schedules the next check anyway).
 * Loaded by shared/kafka/client.ts before any client exists; test/unit/kafkajs-patches.test.ts
 * proves the patched method is in place and behaves.
 */
import { createRequire } from 'node:module';

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' own interval for re-checking a queue that has pending requests (src/network/requestQueue). */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;
const PATCHED = Symbol.for('stateset.kafkajs.requestQueuePatched');

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  let delay = this.throttledUntil - Date.now();
  if (delay <= 0) {
    if (this.pending.length === 0) return;
    delay = CHECK_PENDING_REQUESTS_INTERVAL;
  }
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** kafkajs has no "exports" map, so its internal module is reachable by path. */
function requestQueuePrototype(): RequestQueueLike & { [PATCHED]?: true } {
  const req = createRequire(require.resolve('kafkajs'));
  return (req('./src/network/requestQueue') as { prototype: RequestQueueLike & { [PATCHED]?: true } }).prototype;
}

export function patchKafkajs(): void {
  const prototype = requestQueuePrototype();
  if (prototype[PATCHED]) return;
  prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  prototype[PATCHED] = true;
}

export function isKafkajsPatched(): boolean {
  return requestQueuePrototype()[PATCHED] === true;
}
