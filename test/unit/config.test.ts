import { expect } from 'chai';
import { loadConfig } from '../../shared/config';
import { ConfigError } from '../../shared/errors';

/** Unit tests run on the development secrets, which need NODE_ENV to say so. */
const DEV = { NODE_ENV: 'test' };

describe('config', () => {
  it('has defaults that work locally', () => {
    const c = loadConfig(DEV);
    expect(c.HTTP_PORT).to.equal(3000);
    expect(c.KAFKA_BROKERS).to.deep.equal(['127.0.0.1:9092']);
    expect(c.AUDIT_STORE).to.equal('fs');
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadConfig({ ...DEV, HTTP_PORT: 'eighty', DATABASE_URL: 'not a url' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/HTTP_PORT/)
      .and.matches(/DATABASE_URL/);
  });

  it('refuses the development pepper and JWT seed unless NODE_ENV is explicitly development or test', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/API_KEY_PEPPER/)
      .and.matches(/JWT_SIGNING_SEED/)
      .and.matches(/COMMAND_SIGNING_KEY/)
      .and.matches(/WEBHOOK_SECRET_KEY/);
    // Attack (by omission): NODE_ENV forgotten must not mean "development".
    expect(() => loadConfig({}))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/API_KEY_PEPPER.*unset/)
      .and.matches(/JWT_SIGNING_SEED/);
    expect(loadConfig({ NODE_ENV: 'development' }).API_KEY_PEPPER).to.be.a('string');
    // With a key list the seed is not used; a listed key must not carry the public development seed.
    const listed = { NODE_ENV: 'production', API_KEY_PEPPER: 'p'.repeat(40), COMMAND_SIGNING_KEY: 'q'.repeat(40), WEBHOOK_SECRET_KEY: 'w'.repeat(40) };
    expect(
      loadConfig({ ...listed, JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'k1', status: 'current', seed: 'z'.repeat(40) }]) }).JWT_SIGNING_KEYS,
    ).to.have.length(1);
    expect(() =>
      loadConfig({ ...listed, JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'k1', status: 'current', seed: loadConfig(DEV).JWT_SIGNING_SEED }]) }),
    ).to.throw(ConfigError, /JWT_SIGNING_KEYS\.0\.seed/);
    const strong = {
      API_KEY_PEPPER: 'p'.repeat(40),
      JWT_SIGNING_SEED: 's'.repeat(40),
      COMMAND_SIGNING_KEY: 'q'.repeat(40),
      WEBHOOK_SECRET_KEY: 'w'.repeat(40),
    };
    expect(loadConfig(strong).NODE_ENV).to.equal(undefined);
    const ok = loadConfig({ NODE_ENV: 'production', ...strong });
    expect(ok.NODE_ENV).to.equal('production');
  });

  it('caps the API-key cache TTL at 5 s so revocation reaches every instance in time', () => {
    expect(() => loadConfig({ ...DEV, API_KEY_CACHE_TTL_MS: '10000' })).to.throw(ConfigError);
  });

  it('keeps operations and events at least 7 days, and operations at least as long as idempotency keys', () => {
    const c = loadConfig(DEV);
    expect([c.OPERATION_RETENTION_DAYS, c.EVENT_RETENTION_DAYS]).to.deep.equal([7, 7]);
    expect(() => loadConfig({ ...DEV, OPERATION_RETENTION_DAYS: '6' })).to.throw(ConfigError, /OPERATION_RETENTION_DAYS/);
    expect(() => loadConfig({ ...DEV, EVENT_RETENTION_DAYS: '1' })).to.throw(ConfigError, /EVENT_RETENTION_DAYS/);
    expect(() => loadConfig({ ...DEV, IDEMPOTENCY_TTL_H: String(24 * 10) })).to.throw(ConfigError, /OPERATION_RETENTION_DAYS/);
    expect(loadConfig({ ...DEV, IDEMPOTENCY_TTL_H: String(24 * 10), OPERATION_RETENTION_DAYS: '10' }).OPERATION_RETENTION_DAYS).to.equal(10);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ ...DEV, HTTP_PORT: '' }).HTTP_PORT).to.equal(3000);
  });
});

describe('config: JSON-valued variables', () => {
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig(DEV, env);
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it('parses them once, into values', () => {
    const c = loadConfig(DEV, {
      RATE_LIMIT_TENANT_OVERRIDES: '{"big":{"write":1000}}',
      JWT_EXTERNAL_ISSUERS: '[{"issuer":"https://idp.test","jwksUrl":"https://idp.test/jwks","tenants":["t1"]}]',
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'k1', status: 'current', seed: 's'.repeat(40) }]),
    });
    expect(c.RATE_LIMIT_TENANT_OVERRIDES).to.deep.equal({ big: { write: 1000 } });
    expect(c.JWT_EXTERNAL_ISSUERS[0]).to.include({ issuer: 'https://idp.test', tenantClaim: 'tenant' });
    expect(c.JWT_SIGNING_KEYS[0]).to.include({ kid: 'k1', status: 'current', alg: 'ES256' });
  });

  it('names the variable when a value is not JSON, and never echoes it', () => {
    for (const name of ['JWT_SIGNING_KEYS', 'JWT_EXTERNAL_ISSUERS', 'RATE_LIMIT_TENANT_OVERRIDES']) {
      const message = refused({ [name]: '{secret-ish' });
      expect(message).to.match(new RegExp(`${name}: is not valid JSON`));
      expect(message).to.not.include('secret-ish');
    }
  });

  it('RATE_LIMIT_TENANT_OVERRIDES: a bad limit names tenant and class', () => {
    expect(refused({ RATE_LIMIT_TENANT_OVERRIDES: '{"t":{"read":-1}}' })).to.match(/RATE_LIMIT_TENANT_OVERRIDES\.t\.read:/);
    expect(refused({ RATE_LIMIT_TENANT_OVERRIDES: '{"t":{"reads":5}}' })).to.match(/RATE_LIMIT_TENANT_OVERRIDES\.t:/);
  });

  it('JWT_EXTERNAL_ISSUERS: an issuer without keys, twice, our own, or without the tenants it may name is refused', () => {
    expect(refused({ JWT_EXTERNAL_ISSUERS: '[{"issuer":"x","jwksUrl":"https://x/jwks"}]' })).to.match(/JWT_EXTERNAL_ISSUERS\.0\.tenants/);
    expect(refused({ JWT_EXTERNAL_ISSUERS: '[{"issuer":"x","jwksUrl":"https://x/jwks","tenants":["t"],"maxRole":"root"}]' })).to.match(
      /JWT_EXTERNAL_ISSUERS\.0\.maxRole/,
    );
    expect(refused({ JWT_EXTERNAL_ISSUERS: '[{"issuer":"x","tenants":["t"]}]' })).to.match(/JWT_EXTERNAL_ISSUERS\.0: an external issuer needs jwksUrl or keys/);
    const twice = JSON.stringify([
      { issuer: 'x', jwksUrl: 'https://x/jwks', tenants: ['t'] },
      { issuer: 'x', jwksUrl: 'https://x/jwks', tenants: ['t'] },
    ]);
    expect(refused({ JWT_EXTERNAL_ISSUERS: twice })).to.match(/JWT_EXTERNAL_ISSUERS\.1\.issuer: duplicate issuer x/);
    expect(refused({ JWT_EXTERNAL_ISSUERS: '[{"issuer":"stateset","jwksUrl":"https://x/jwks","tenants":["t1"]}]' })).to.match(
      /JWT_EXTERNAL_ISSUERS\.0\.issuer: must not be JWT_ISSUER/,
    );
  });

  it('JWT_SIGNING_KEYS: no current key, a duplicate kid or a non-P-256 key is refused', () => {
    const seed = 's'.repeat(40);
    expect(refused({ JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'a', status: 'previous', seed }]) })).to.match(
      /JWT_SIGNING_KEYS: exactly one key must have status current/,
    );
    expect(
      refused({
        JWT_SIGNING_KEYS: JSON.stringify([
          { kid: 'a', status: 'current', seed },
          { kid: 'a', seed },
        ]),
      }),
    ).to.match(/JWT_SIGNING_KEYS\.1\.kid: duplicate kid a/);
    const message = refused({
      JWT_SIGNING_KEYS: JSON.stringify([{ kid: 'a', status: 'current', privateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' }]),
    });
    expect(message).to.match(/JWT_SIGNING_KEYS\.0\.privateKey: key a is not a P-256 \(ES256\) private key/);
    expect(message).to.not.include('not a key');
  });
});

describe('config: Kafka transport security', () => {
  it('Kafka SASL needs a user, a password and TLS; a misspelt flag is refused', () => {
    const sasl = { ...DEV, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'gateway', KAFKA_SASL_PASSWORD: 'pw' };
    expect(() => loadConfig(sasl)).to.throw(ConfigError, /KAFKA_SSL/);
    const c = loadConfig({ ...sasl, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/ca.pem' });
    expect(c).to.deep.include({ KAFKA_SSL: true, KAFKA_SASL_USERNAME: 'gateway', KAFKA_ACLS: false });
    expect(() => loadConfig({ ...DEV, KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' })).to.throw(ConfigError, /KAFKA_SASL_USERNAME/);
    expect(() => loadConfig({ ...DEV, KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'gateway', KAFKA_SASL_PASSWORD: 'pw' })).to.throw(
      ConfigError,
      /KAFKA_SASL_MECHANISM/,
    );
    expect(() => loadConfig({ ...DEV, KAFKA_SASL_MECHANISM: 'plain' })).to.throw(ConfigError, /KAFKA_SASL_MECHANISM/);
    expect(() => loadConfig({ ...DEV, KAFKA_SSL: 'ture' })).to.throw(ConfigError, /KAFKA_SSL/);
    expect(loadConfig(DEV).KAFKA_SSL).to.equal(false);
  });
});
