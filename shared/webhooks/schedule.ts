import { backoffDelay } from '../retry';

export interface RetrySchedule {
  initialMs: number;
  maxMs: number;
  /** No attempt is scheduled later than this after the event was taken in. */
  horizonMs: number;
}

/**
 * When to try a delivery again after its `attempts`-th failed attempt: exponential backoff with the
 * platform's equal jitter (shared/retry), or null when that would pass the horizon — the delivery is
 * then given up.
 */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date, schedule: RetrySchedule, random: () => number = Math.random): Date | null {
  const at = new Date(now.getTime() + backoffDelay(attempts, { initialMs: schedule.initialMs, maxMs: schedule.maxMs }, random));
  return at.getTime() > createdAt.getTime() + schedule.horizonMs ? null : at;
}
