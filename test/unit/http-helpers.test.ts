import { expect } from 'chai';
import { decodeCursor, encodeCursor } from '../../gateway/http/pagination';
import { requestFingerprint, validateIdempotencyKey } from '../../gateway/services/idempotency';
import { InputError } from '../../shared/errors';
import { sourceBucket } from '../../shared/metrics';

describe('pagination cursors', () => {
  it('round-trip', () => {
    const c = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '3f2a' };
    expect(decodeCursor(encodeCursor(c))).to.deep.equal(c);
  });
  it('refuse garbage with an InputError', () => {
    expect(() => decodeCursor('!!!')).to.throw(InputError);
    expect(() => decodeCursor(Buffer.from('yesterday|x').toString('base64url'))).to.throw(InputError);
  });
});

describe('idempotency', () => {
  it('fingerprints ignore key order but not values, method or path', () => {
    const a = requestFingerprint('POST', '/v1/orders', { a: 1, b: [1, 2] });
    expect(requestFingerprint('post', '/v1/orders', { b: [1, 2], a: 1 })).to.equal(a);
    expect(requestFingerprint('POST', '/v1/orders', { a: 2, b: [1, 2] })).to.not.equal(a);
    expect(requestFingerprint('POST', '/v1/orders/x', { a: 1, b: [1, 2] })).to.not.equal(a);
    expect(requestFingerprint('PATCH', '/v1/orders', { a: 1, b: [1, 2] })).to.not.equal(a);
  });
  it('keys are 1..255 visible characters', () => {
    expect(validateIdempotencyKey(undefined)).to.equal(undefined);
    expect(validateIdempotencyKey('k'.repeat(255))).to.have.length(255);
    expect(() => validateIdempotencyKey('k'.repeat(256))).to.throw(InputError);
    expect(() => validateIdempotencyKey('')).to.throw(InputError);
    expect(() => validateIdempotencyKey('with space')).to.throw(InputError);
  });
});

describe('source buckets for auth-failure metrics', () => {
  it('group IPv4 by /24 and IPv6 by /64', () => {
    expect(sourceBucket('203.0.113.77')).to.equal('203.0.113.0/24');
    expect(sourceBucket('::ffff:203.0.113.77')).to.equal('203.0.113.0/24');
    expect(sourceBucket('2001:db8:1:2:3:4:5:6')).to.equal('2001:db8:1:2::/64');
    expect(sourceBucket(undefined)).to.equal('unknown');
  });
});
