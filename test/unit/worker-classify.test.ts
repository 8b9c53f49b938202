import { expect } from 'chai';
import { OptimisticLockError } from '@mikro-orm/core';
import { MAX_UNEXPECTED_ATTEMPTS, classifyWorkerError, workerAction } from '../../shared/worker/classify';
import {
  BusinessRuleError,
  ConflictError,
  DependencyUnavailableError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  PoisonMessageError,
} from '../../shared/errors';

describe('worker error classification', () => {
  it('domain rule violations fail the operation, poison goes to the DLQ, dependencies retry, the rest is unexpected', () => {
    expect(classifyWorkerError(new PoisonMessageError('bad bytes'))).to.equal('poison');
    expect(classifyWorkerError(new DependencyUnavailableError('postgres', 'down'))).to.equal('transient');
    expect(classifyWorkerError(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).to.equal('transient');
    expect(classifyWorkerError(new OptimisticLockError('stale'))).to.equal('transient');
    for (const e of [
      new InvalidTransitionError('order', 'a', 'b'),
      new BusinessRuleError('no stock', 'available'),
      new NotFoundError('x'),
      new ConflictError('x'),
      new InputError('x'),
    ]) {
      expect(classifyWorkerError(e), e.name).to.equal('domain');
    }
    expect(classifyWorkerError(new TypeError('x is undefined'))).to.equal('unexpected');
  });

  it('one decision per error and attempt: failed operation, DLQ or retry', () => {
    expect(workerAction(new InvalidTransitionError('order', 'a', 'b'), 1)).to.equal('fail');
    expect(workerAction(new PoisonMessageError('bad bytes'), 1)).to.equal('dlq');
    expect(workerAction(new InvalidTransitionError('order', 'a', 'b'), 1, { recordable: false }), 'no operation to fail').to.equal('dlq');
    expect(workerAction(new DependencyUnavailableError('postgres', 'down'), 10_000), 'transient failures never skip').to.equal('retry');
    expect(workerAction(new TypeError('bug'), 1)).to.equal('retry');
    expect(workerAction(new TypeError('bug'), MAX_UNEXPECTED_ATTEMPTS - 1)).to.equal('retry');
    expect(workerAction(new TypeError('bug'), MAX_UNEXPECTED_ATTEMPTS)).to.equal('dlq');
  });
});
