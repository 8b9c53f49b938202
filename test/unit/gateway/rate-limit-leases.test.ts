import { expect } from 'chai';
import { RateLimitLeases, type DecisionSource } from '../../../gateway/services/rate-limit-leases';
import type { Bucket, Decision, RateLimiter } from '../../../gateway/services/rate-limiter';

const principal: Bucket = { policy: 'read', key: 'p', limit: 1000, mode: 'consume' };
const failures: Bucket = { policy: 'ip-auth-failures', key: 'f', limit: 10, mode: 'check' };

/** A limiter that grants what it is asked for out of `limit`, as the Redis script does (without the quarter cap). */
class FakeLimiter {
  calls: number[] = [];
  released: [string, number, number][] = [];
  count = 0;
  fail: Error | null = null;
  private seq = 0;
  constructor(private readonly limit: number) {}
  async hit(buckets: Bucket[], want = 1): Promise<Decision> {
    this.calls.push(want);
    await new Promise((r) => setImmediate(r));
    if (this.fail) throw this.fail;
    const granted = Math.max(0, Math.min(want, this.limit - this.count));
    this.count += granted;
    const state = (b: Bucket) => ({
      policy: b.policy,
      limit: b.limit,
      remaining: b.mode === 'consume' ? this.limit - this.count : 7,
      resetS: 60,
    });
    const states = buckets.map(state);
    return {
      allowed: granted > 0,
      granted,
      leaseId: `l${++this.seq}`,
      buckets: states,
      nowMs: Date.now(),
      ...(granted > 0 ? {} : { blockedBy: states[1]! }),
    };
  }
  async release(_b: Bucket[], leaseId: string, from: number, to: number): Promise<void> {
    this.released.push([leaseId, from, to]);
  }
}

function leases(limiter: FakeLimiter, leaseMs = 10_000, maxHits = 100) {
  const sources: DecisionSource[] = [];
  return { l: new RateLimitLeases(limiter as unknown as RateLimiter, { leaseMs, maxHits }, (s) => sources.push(s)), sources };
}

describe('rate limiting: leases of hits spent in-process', () => {
  it('with leases off, every request is one Redis call', async () => {
    const fake = new FakeLimiter(100);
    const { l, sources } = leases(fake, 0);
    for (let i = 0; i < 5; i++) await l.take([failures, principal]);
    expect(fake.calls).to.deep.equal([1, 1, 1, 1, 1]);
    expect(sources).to.deep.equal(['redis', 'redis', 'redis', 'redis', 'redis']);
  });

  it('concurrent requests share one call; leases grow with demand up to the cap; remaining counts down by one', async () => {
    const fake = new FakeLimiter(1000);
    const { l, sources } = leases(fake, 10_000, 8);
    const first = await Promise.all(Array.from({ length: 30 }, () => l.take([failures, principal])));
    expect(first.every((d) => d.allowed)).to.equal(true);
    // 1, then twice what the previous lease spent, capped at 8.
    expect(fake.calls).to.deep.equal([1, 2, 4, 8, 8, 8]);
    expect(fake.count).to.equal(31);
    expect(sources.filter((s) => s === 'redis')).to.have.length(6);
    const remaining = first.map((d) => d.buckets[1]!.remaining);
    expect(remaining).to.deep.equal(Array.from({ length: 30 }, (_, i) => 999 - i));
    // A check-only bucket is shown as Redis reported it, not inflated by the lease.
    expect(first.every((d) => d.buckets[0]!.remaining === 7)).to.equal(true);
  });

  it('never admits more than Redis granted, and remembers a refusal for the lease time', async () => {
    const fake = new FakeLimiter(5);
    const { l } = leases(fake);
    const out = await Promise.all(Array.from({ length: 20 }, () => l.take([principal])));
    expect(out.filter((d) => d.allowed)).to.have.length(5);
    const calls = fake.calls.length;
    expect((await l.take([principal])).allowed).to.equal(false);
    expect(fake.calls.length).to.equal(calls);
  });

  it('gives back the unspent hits of an expired lease', async () => {
    const fake = new FakeLimiter(1000);
    const { l } = leases(fake, 30);
    await Promise.all(Array.from({ length: 3 }, () => l.take([principal])));
    await l.take([principal]); // the third call: wants 4, spends 1
    await new Promise((r) => setTimeout(r, 50));
    await l.take([principal]);
    expect(fake.released).to.deep.equal([['l3', 2, 4]]);
  });

  it('a failed call fails every request waiting on it', async () => {
    const fake = new FakeLimiter(1000);
    fake.fail = new Error('redis down');
    const { l } = leases(fake);
    const out = await Promise.allSettled(Array.from({ length: 4 }, () => l.take([principal])));
    expect(out.map((o) => o.status)).to.deep.equal(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(fake.calls).to.have.length(1);
  });
});
