import { OptimisticLockError, DriverException, ConnectionException } from '@mikro-orm/core';
import {
  BusinessRuleError,
  ConflictError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  PoisonMessageError,
  PreconditionFailedError,
  StatesetError,
  isUnreachable,
} from '../errors';

/**
 * - `domain`: a business rule said no (the operation finishes `failed`; an event reaction is audited as not applied)
 * - `poison`: the message can never be processed (DLQ at once)
 * - `transient`: a dependency may answer later (retry with backoff, forever, never skip)
 * - `unexpected`: a bug or unknown failure (a few retries, then the DLQ)
 */
export type WorkerErrorKind = 'domain' | 'poison' | 'transient' | 'unexpected';

/** What the worker does with a message whose handling threw. */
export type WorkerAction = 'fail' | 'dlq' | 'retry';

/** Unexpected (non-domain, non-infrastructure) errors get this many tries before the DLQ. */
export const MAX_UNEXPECTED_ATTEMPTS = 5;

/** The classification, made from the error alone. */
export function classifyWorkerError(err: unknown): WorkerErrorKind {
  if (err instanceof PoisonMessageError) return 'poison';
  if (
    err instanceof InvalidTransitionError ||
    err instanceof BusinessRuleError ||
    err instanceof NotFoundError ||
    err instanceof ConflictError ||
    err instanceof PreconditionFailedError ||
    err instanceof InputError
  )
    return 'domain';
  if (err instanceof StatesetError) return err.retriable ? 'transient' : 'unexpected';
  if (err instanceof OptimisticLockError || err instanceof ConnectionException) return 'transient';
  if (err instanceof DriverException) {
    const code = (err as DriverException & { code?: string }).code ?? '';
    // 08* connection, 40* serialization/deadlock, 53* resources, 57* shutdown: all may pass.
    if (/^(08|40|53|57)/.test(code)) return 'transient';
  }
  if (isUnreachable(err)) return 'transient';
  return 'unexpected';
}

/**
 * The one decision of what an error becomes in a worker, for the `attempt`-th try of a message
 * (1 = first): a failed operation, a DLQ entry, or a retry. `recordable` is false when the message
 * never got as far as a handler (its envelope or payload could not be read): a refusal then has no
 * operation to record and goes to the DLQ like poison.
 */
export function workerAction(err: unknown, attempt: number, { recordable = true, maxUnexpectedAttempts = MAX_UNEXPECTED_ATTEMPTS } = {}): WorkerAction {
  switch (classifyWorkerError(err)) {
    case 'domain':
      return recordable ? 'fail' : 'dlq';
    case 'poison':
      return 'dlq';
    case 'transient':
      return 'retry';
    case 'unexpected':
      return attempt >= maxUnexpectedAttempts ? 'dlq' : 'retry';
  }
}
