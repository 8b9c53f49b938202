import { expect } from 'chai';
import { CliUsageError } from '../../../ops/cli/args';
import { EXIT } from '../../../ops/cli/exit-codes';
import { CliExit, exitCodeOf, isUnavailable } from '../../../ops/cli/output';
import { operationExitCode } from '../../../ops/cli/commands/operations';

describe('CLI exit codes', () => {
  it('usage 2, an unreachable dependency 3 (through its causes), anything else 1', () => {
    expect(exitCodeOf(new CliUsageError('--tenant required'))).to.equal(EXIT.usage);
    expect(exitCodeOf(new CliExit(EXIT.timeout, 'x'))).to.equal(4);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(exitCodeOf(new Error('could not connect', { cause: refused }))).to.equal(EXIT.unavailable);
    expect(exitCodeOf(new AggregateError([refused]))).to.equal(EXIT.unavailable);
    expect(isUnavailable(Object.assign(new Error('broker'), { name: 'KafkaJSNumberOfRetriesExceeded' }))).to.equal(true);
    expect(exitCodeOf(new Error('relation "tenants" does not exist'))).to.equal(EXIT.failure);
  });

  it('operations wait: 0 succeeded, 1 failed or cancelled, 4 not done', () => {
    const op = { id: 'x', type: 't', createdAt: '', updatedAt: '' };
    expect(operationExitCode({ ...op, status: 'succeeded', done: true })).to.equal(0);
    expect(operationExitCode({ ...op, status: 'failed', done: true })).to.equal(1);
    expect(operationExitCode({ ...op, status: 'cancelled', done: true })).to.equal(1);
    expect(operationExitCode({ ...op, status: 'running', done: false })).to.equal(4);
  });
});
