import { expect } from 'chai';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../gateway/auth/api-key-secret';

describe('API key secrets', () => {
  it('generates sk_<env>_<id>_<secret> with a 256-bit secret, different every time', () => {
    const a = generateApiKey('live');
    const b = generateApiKey('live');
    expect(a.raw).to.match(/^sk_live_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.secret, 'base64url')).to.have.length(32);
    expect(a.raw).to.not.equal(b.raw);
    expect(a.keyId).to.not.equal(b.keyId);
  });

  it('parses its own format and refuses anything else', () => {
    const k = generateApiKey('test');
    expect(parseApiKey(k.raw)).to.deep.equal({ env: 'test', keyId: k.keyId, secret: k.secret });
    for (const bad of ['', 'sk_live_x_y', `sk_prod_${k.keyId}_${k.secret}`, `${k.raw}x`, k.raw.toUpperCase()]) {
      expect(parseApiKey(bad), bad).to.equal(null);
    }
  });

  it('stores only a peppered HMAC and matches it', () => {
    const k = generateApiKey('live');
    const h = hashSecret('pepper-one-pepper-one-pepper-one-!!', k.secret);
    expect(h).to.match(/^[0-9a-f]{64}$/);
    expect(h).to.not.include(k.secret);
    expect(secretMatches('pepper-one-pepper-one-pepper-one-!!', k.secret, h)).to.equal(true);
    expect(secretMatches('pepper-two-pepper-two-pepper-two-!!', k.secret, h)).to.equal(false);
    expect(secretMatches('pepper-one-pepper-one-pepper-one-!!', generateApiKey('live').secret, h)).to.equal(false);
  });

  it('redacts for display without revealing the secret', () => {
    const k = generateApiKey('live');
    expect(k.redacted).to.equal(`sk_live_${k.keyId}_…${k.secret.slice(-4)}`);
  });
});
