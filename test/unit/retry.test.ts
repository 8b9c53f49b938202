import { expect } from 'chai';
import { backoffDelay, retrying } from '../../shared/retry';

describe('retry policy (exponential backoff, equal jitter)', () => {
  const policy = { initialMs: 100, maxMs: 1000 };
  it('doubles the cap per attempt up to the maximum; the delay lies in [cap/2, cap)', () => {
    const caps = [100, 200, 400, 800, 1000, 1000];
    caps.forEach((cap, i) => {
      expect(backoffDelay(i + 1, policy, () => 0)).to.equal(cap / 2);
      expect(backoffDelay(i + 1, policy, () => 0.999999))
        .to.be.lessThan(cap)
        .and.at.least(cap * 0.99);
    });
  });
  it('huge attempt numbers stay at the maximum', () => {
    expect(backoffDelay(10_000, policy, () => 0.5)).to.equal(750);
  });
});

describe('retrying', () => {
  const policy = { initialMs: 1, maxMs: 2 };
  it("tries again after each failure until one succeeds, waiting the policy's delays", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retrying(
      async () => {
        if (++calls < 3) throw new Error('not yet');
        return 'done';
      },
      { policy, giveUp: () => false, wait: async (ms) => void waits.push(ms) },
    );
    expect(result).to.equal('done');
    expect(waits).to.have.length(2);
    for (const ms of waits) expect(ms).to.be.within(0, 2);
  });
  it('throws the failure giveUp stops at, without waiting', async () => {
    let waited = false;
    const stop = new Error('stop');
    const err = await retrying(
      async () => {
        throw stop;
      },
      { policy, giveUp: (_e, attempt) => attempt >= 1, wait: async () => void (waited = true) },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.equal(stop);
    expect(waited).to.equal(false);
  });
});
