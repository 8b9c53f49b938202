import { StatesetError } from './base';

export type Dependency = 'kafka' | 'registry' | 'postgres' | 'redis' | 's3';

/** A dependency is unreachable or timed out; the same call may succeed later. */
export class DependencyUnavailableError extends StatesetError {
  constructor(
    readonly dependency: Dependency,
    message: string,
    cause?: unknown,
  ) {
    super(`${dependency} unavailable: ${message}`, { retriable: true, cause });
  }
}

/**
 * A request outlived its budget (REQUEST_TIMEOUT_MS): some dependency answers too slowly. What the
 * request had started goes on, so a command may still be applied: retry with its Idempotency-Key.
 */
export class DeadlineExceededError extends StatesetError {
  constructor(budgetMs: number) {
    super(`request not answered within its budget of ${budgetMs} ms`, { retriable: true });
  }
}

/** A message that can never be processed: undecodable, schema-invalid, missing headers. */
export class PoisonMessageError extends StatesetError {
  constructor(
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`poison message: ${reason}`, { retriable: false, cause });
  }
}

/**
 * A command whose signature the workers cannot verify: not published by the gateway (or altered on the
 * way). Poison, and more: its headers are claims of whoever produced it, so nothing it names is touched.
 */
export class ForgedCommandError extends PoisonMessageError {
  constructor(reason: string) {
    super(`forged command: ${reason}`);
  }
}

export class ConfigError extends StatesetError {}

/** Decides retry from the error itself, never from the call site. */
export function isRetriable(err: unknown): boolean {
  if (err instanceof StatesetError) return err.retriable;
  return false;
}

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket hang up|Connection terminated|too many clients|the database system is (starting|shutting) up|timeout|fetch failed|not queryable|Client was closed/i;

/** A client error that says the server could not be reached or answered in time (any dependency). */
export function isUnreachable(err: unknown): boolean {
  return err instanceof Error && UNREACHABLE.test(`${err.name}: ${err.message}`);
}
