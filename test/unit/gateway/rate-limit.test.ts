import { expect } from 'chai';
import { clientKey } from '../../../gateway/middleware/rate-limit';
import { RateLimiter } from '../../../gateway/services/rate-limiter';
import type { Redis } from 'ioredis';

const fakeRedis = { defineCommand() {} } as unknown as Redis;
const cfg = {
  RATE_LIMIT_READ_PER_MIN: 600,
  RATE_LIMIT_WRITE_PER_MIN: 120,
  RATE_LIMIT_AUTH_PER_MIN: 30,
  RATE_LIMIT_IP_PER_MIN: 300,
  RATE_LIMIT_IP_FAILURES_PER_MIN: 10,
  RATE_LIMIT_TENANT_READ_PER_MIN: 6000,
  RATE_LIMIT_TENANT_WRITE_PER_MIN: 1200,
  RATE_LIMIT_TENANT_AUTH_PER_MIN: 300,
  RATE_LIMIT_TENANT_OVERRIDES: {},
  RATE_LIMIT_WINDOW_S: 60,
  DATABASE_SCHEMA: 's',
};

describe('rate limiting: buckets', () => {
  it('keys clients by IPv4 address and by IPv6 /64 (one host owns a /64)', () => {
    expect(clientKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('2001:db8:0:1:aaaa::1')).to.equal('2001:db8:0:1::/64');
    expect(clientKey('2001:db8:0:1:bbbb:cccc:dddd:eeee')).to.equal('2001:db8:0:1::/64');
    expect(clientKey('::1')).to.equal('0:0:0:0::/64');
    expect(clientKey(undefined)).to.equal('unknown');
    expect(clientKey('garbage')).to.equal('unknown');
  });

  it('never gives two identities one bucket, whatever ":" their identifiers contain', () => {
    const rl = new RateLimiter(fakeRedis, cfg);
    expect(rl.principalBucket('a:b', 'c', 'read').key).to.not.equal(rl.principalBucket('a', 'b:c', 'read').key);
    expect(rl.principalBucket('t', 'x:read', 'read').key).to.not.equal(rl.principalBucket('t:x', 'read', 'read').key);
  });

  it("a tenant has one budget over all its keys, never below one of its principals'", () => {
    const rl = new RateLimiter(fakeRedis, {
      ...cfg,
      RATE_LIMIT_TENANT_OVERRIDES: { small: { tenant: { read: 50 } }, big: { read: 9000 } },
    });
    expect(rl.tenantBucket('t', 'read')).to.include({ policy: 'tenant-read', limit: 6000, mode: 'consume' });
    expect(rl.tenantBucket('small', 'read').limit).to.equal(600); // its principals may each read 600
    expect(rl.tenantBucket('big', 'read').limit).to.equal(9000);
    expect(rl.tenantBucket('t', 'read').key).to.not.equal(rl.principalBucket('t', 'read', 'read').key);
  });

  it('takes limits per route class, with per-tenant overrides from config', () => {
    const rl = new RateLimiter(fakeRedis, { ...cfg, RATE_LIMIT_TENANT_OVERRIDES: { big: { write: 1000 } } });
    expect(rl.limitFor('t', 'read')).to.equal(600);
    expect(rl.limitFor('t', 'write')).to.equal(120);
    expect(rl.limitFor('t', 'auth')).to.equal(30);
    expect(rl.limitFor('big', 'write')).to.equal(1000);
    expect(rl.limitFor('big', 'read')).to.equal(600);
    expect(rl.principalBucket('t', 'api-key:k', 'write').key).to.match(/^rl:s:[0-9a-f]{8}:p:t:api-key%3Ak:write$/);
    // Same policies → same namespace (instances share counts); other policies → another one.
    const same = new RateLimiter(fakeRedis, { ...cfg, RATE_LIMIT_TENANT_OVERRIDES: { big: { write: 1000 } } });
    expect(same.principalBucket('t', 'p', 'read').key).to.equal(rl.principalBucket('t', 'p', 'read').key);
    expect(new RateLimiter(fakeRedis, cfg).principalBucket('t', 'p', 'read').key).to.not.equal(rl.principalBucket('t', 'p', 'read').key);
    expect(rl.ipFailureBucket('1.2.3.4', 'check')).to.include({ limit: 10, mode: 'check' });
  });
});
