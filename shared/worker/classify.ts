import { OptimisticLockError, DriverException, ConnectionException } from '@mikro-orm/core';
import { PoisonMessageError, StatesetError, isUnreachable } from '../errors';

export type WorkerErrorKind = 'poison' | 'transient' | 'unexpected';

/** The retry decision, made from the error alone. */
export function classifyWorkerError(err: unknown): WorkerErrorKind {
  if (err instanceof PoisonMessageError) return 'poison';
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
