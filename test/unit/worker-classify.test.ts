import { expect } from 'chai';
import { classifyWorkerError } from '../../shared/worker/classify';
import { DependencyUnavailableError, InvalidTransitionError, PoisonMessageError } from '../../shared/errors';

describe('worker error classification', () => {
  it('poison goes to the DLQ, dependencies retry, the rest is unexpected', () => {
    expect(classifyWorkerError(new PoisonMessageError('bad bytes'))).to.equal('poison');
    expect(classifyWorkerError(new DependencyUnavailableError('postgres', 'down'))).to.equal('transient');
    expect(classifyWorkerError(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).to.equal('transient');
    expect(classifyWorkerError(new InvalidTransitionError('order', 'a', 'b'))).to.equal('unexpected');
    expect(classifyWorkerError(new TypeError('x is undefined'))).to.equal('unexpected');
  });
});
