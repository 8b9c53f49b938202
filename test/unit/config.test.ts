import { expect } from 'chai';
import { loadConfig } from '../../shared/config';
import { ConfigError } from '../../shared/errors';

describe('config', () => {
  it('has defaults that work locally', () => {
    const c = loadConfig({});
    expect(c.HTTP_PORT).to.equal(3000);
    expect(c.KAFKA_BROKERS).to.deep.equal(['127.0.0.1:9092']);
    expect(c.AUDIT_STORE).to.equal('fs');
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadConfig({ HTTP_PORT: 'eighty', DATABASE_URL: 'not a url' }))
      .to.throw(ConfigError)
      .with.property('message').that.matches(/HTTP_PORT/).and.matches(/DATABASE_URL/);
  });

  it('refuses the development pepper and JWT seed in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }))
      .to.throw(ConfigError)
      .with.property('message').that.matches(/API_KEY_PEPPER/).and.matches(/JWT_SIGNING_SEED/);
    const ok = loadConfig({ NODE_ENV: 'production', API_KEY_PEPPER: 'p'.repeat(40), JWT_SIGNING_SEED: 's'.repeat(40) });
    expect(ok.NODE_ENV).to.equal('production');
  });

  it('caps the API-key cache TTL at 5 s so revocation reaches every instance in time', () => {
    expect(() => loadConfig({ API_KEY_CACHE_TTL_MS: '10000' })).to.throw(ConfigError);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ HTTP_PORT: '' }).HTTP_PORT).to.equal(3000);
  });
});
