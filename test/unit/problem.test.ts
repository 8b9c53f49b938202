import { expect } from 'chai';
import {
  AuthenticationError,
  BusinessRuleError,
  ConflictError,
  DependencyUnavailableError,
  IdempotencyMismatchError,
  InputError,
  InvalidTransitionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  problemFor,
} from '../../shared/errors';

describe('error → problem mapping', () => {
  const cases: [Error, number][] = [
    [new InputError('bad', [{ path: 'body.x', message: 'required' }]), 400],
    [new AuthenticationError('revoked', 'api_key'), 401],
    [new PermissionDeniedError('orders:write'), 403],
    [new NotFoundError('nope'), 404],
    [new InvalidTransitionError('order', 'delivered', 'pending'), 409],
    [new ConflictError('in flight'), 409],
    [new IdempotencyMismatchError('other body'), 422],
    [new BusinessRuleError('no stock', 'stock'), 422],
    [new RateLimitedError('write', 3), 429],
    [new DependencyUnavailableError('kafka', 'down'), 503],
    [new TypeError('boom at /srv/app.js:1'), 500],
  ];
  for (const [err, status] of cases) {
    it(`${err.constructor.name} → ${status}`, () => {
      const p = problemFor(err);
      expect(p.status).to.equal(status);
      expect(p.type).to.match(/^https:\/\/stateset\.io\/problems\//);
      expect(p.title).to.be.a('string').and.not.empty;
    });
  }

  it('never reveals why authentication failed', () => {
    const a = problemFor(new AuthenticationError('revoked', 'api_key'));
    const b = problemFor(new AuthenticationError('unknown_key', 'api_key'));
    expect(a).to.deep.equal(b);
    expect(JSON.stringify(a)).to.not.match(/revoked|unknown/);
  });

  it('hides internal error messages', () => {
    expect(problemFor(new TypeError('boom at /srv/app.js:1')).detail).to.not.include('/srv');
  });

  it('carries field errors for invalid input', () => {
    expect(problemFor(new InputError('bad', [{ path: 'body.x', message: 'required' }])).errors).to.deep.equal([{ path: 'body.x', message: 'required' }]);
  });
});
