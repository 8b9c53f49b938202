import { expect } from 'chai';
import { backoffDelay } from '../../shared/retry';

describe('retry policy (exponential backoff, equal jitter)', () => {
  const policy = { initialMs: 100, maxMs: 1000 };
  it('doubles the cap per attempt up to the maximum; the delay lies in [cap/2, cap)', () => {
    const caps = [100, 200, 400, 800, 1000, 1000];
    caps.forEach((cap, i) => {
      expect(backoffDelay(i + 1, policy, () => 0)).to.equal(cap / 2);
      expect(backoffDelay(i + 1, policy, () => 0.999999)).to.be.lessThan(cap).and.at.least(cap * 0.99);
    });
  });
  it('huge attempt numbers stay at the maximum', () => {
    expect(backoffDelay(10_000, policy, () => 0.5)).to.equal(750);
  });
});
