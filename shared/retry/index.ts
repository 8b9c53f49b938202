/**
 * The one retry policy of the platform (worker, outbox relay, audit sink, DLQ writes): exponential
 * backoff with "equal jitter" — half of the exponential cap fixed, half random — so that processes
 * retrying after the same outage do not hit the dependency in lockstep, and no retry comes at once.
 */
export interface BackoffPolicy {
  /** Delay cap of the first retry. */
  initialMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000 };

/** Delay before retry number `attempt` (1 = the first retry). `random` is injectable for tests. */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(cap / 2 + random() * (cap / 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
