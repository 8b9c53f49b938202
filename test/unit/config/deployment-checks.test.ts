import { expect } from 'chai';
import { loadConfig } from '../../../shared/config';
import { assertDeployable, describeFailures, deploymentChecks } from '../../../shared/config/deployment-checks';
import { ConfigError } from '../../../shared/errors';

const strongSecrets = {
  API_KEY_PEPPER: 'p'.repeat(40),
  JWT_SIGNING_SEED: 's'.repeat(40),
  COMMAND_SIGNING_KEY: 'q'.repeat(40),
  WEBHOOK_SECRET_KEY: 'w'.repeat(40),
};

describe('deployment checks at process start', () => {
  it('refuses a production start on the local defaults, naming every failed check with its fix', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...strongSecrets });
    let refused: unknown;
    try {
      assertDeployable(config, 'gateway', [], 1000);
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(ConfigError);
    const message = (refused as Error).message;
    for (const check of ['database password', 'database TLS', 'Redis TLS', 'Redis AUTH', 'HTTPS or a trusted proxy']) {
      expect(message).to.include(`${check}:`);
    }
    expect(message).to.include('fix: add ?sslmode=verify-full to DATABASE_URL');
  });

  it('lets development and test start on the same configuration', () => {
    for (const NODE_ENV of ['development', 'test'] as const) {
      expect(assertDeployable(loadConfig({ NODE_ENV }), 'gateway', [], 0)).to.deep.equal([]);
    }
  });

  it('adds the process-specific checks to the refusal', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...strongSecrets });
    const extra = [{ check: 'audit signing key', status: 'fail' as const, detail: 'inside the store', fix: 'move it' }];
    expect(() => assertDeployable(config, 'audit-sink', extra, 1000)).to.throw(ConfigError, /audit signing key: inside the store \(fix: move it\)/);
  });

  it('describes only failures, and never a secret', () => {
    const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://u:hunter2hunter2@db/x' });
    const lines = describeFailures(deploymentChecks(config, {}, 0));
    expect(lines.some((l) => l.startsWith('container user:'))).to.equal(true);
    expect(lines.join('\n')).to.not.include('hunter2');
    expect(lines.some((l) => l.startsWith('log level'))).to.equal(false);
  });
});
