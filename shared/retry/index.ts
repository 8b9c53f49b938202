/**
 * The one retry policy of the platform (worker, outbox relay, audit sink, DLQ writes, notification
 * listener, Redis reconnects; the Kafka and registry clients run on its numbers): exponential
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

export interface RetryOptions {
  policy: BackoffPolicy;
  /** Whether to stop after this failure (it is then thrown); asked before every wait. */
  giveUp(err: unknown, attempt: number): boolean;
  /** Logs or counts a failure about to be retried. */
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
  /** How to wait (a consumer keeps its heartbeat going, a stop cuts it short); a plain sleep by default. */
  wait?(ms: number): Promise<void>;
}

/** Runs `fn` until it succeeds, waiting `backoffDelay` between tries, unless `giveUp` says otherwise. */
export async function retrying<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (opts.giveUp(err, attempt)) throw err;
      const delay = backoffDelay(attempt, opts.policy);
      opts.onRetry?.(err, attempt, delay);
      await (opts.wait ?? sleep)(delay);
    }
  }
}

/**
 * The policy in the terms of the clients that retry inside one call (kafkajs, the schema
 * registry's). They jitter with their own formula, which cannot be replaced; the numbers they run
 * on are ours, stated as a BackoffPolicy like every other retry.
 */
export function kafkajsRetry(policy: BackoffPolicy, retries: number): { retries: number; initialRetryTime: number; maxRetryTime: number } {
  return { retries, initialRetryTime: policy.initialMs, maxRetryTime: policy.maxMs };
}

export function registryRetry(policy: BackoffPolicy, retries: number): { retries: number; initialRetryTimeInSecs: number; maxRetryTimeInSecs: number } {
  return { retries, initialRetryTimeInSecs: policy.initialMs / 1000, maxRetryTimeInSecs: policy.maxMs / 1000 };
}
