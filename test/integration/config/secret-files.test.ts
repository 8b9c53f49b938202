import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../shared/config';
import { SECRET_VARIABLES } from '../../../shared/config/load';
import { ConfigError } from '../../../shared/errors';

/** Secrets as container secret files: `<NAME>_FILE` (a real file on disk). */
describe('config: secrets from *_FILE', () => {
  let dir: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'secret-files-'));
  });
  after(async () => fsp.rm(dir, { recursive: true, force: true }));

  it('reads API_KEY_PEPPER_FILE and JWT_SIGNING_SEED_FILE (trailing newline dropped) and refuses both forms at once', async () => {
    const pepper = path.join(dir, 'pepper');
    const seed = path.join(dir, 'seed');
    await fsp.writeFile(pepper, `${'p'.repeat(40)}\n`, { mode: 0o600 });
    await fsp.writeFile(seed, 's'.repeat(40), { mode: 0o600 });
    const command = path.join(dir, 'command');
    await fsp.writeFile(command, 'c'.repeat(40), { mode: 0o600 });
    const c = loadConfig({
      NODE_ENV: 'production',
      API_KEY_PEPPER_FILE: pepper,
      JWT_SIGNING_SEED_FILE: seed,
      COMMAND_SIGNING_KEY_FILE: command,
      WEBHOOK_SECRET_KEY: 'w'.repeat(40),
    });
    expect(c.API_KEY_PEPPER).to.equal('p'.repeat(40));
    expect(c.JWT_SIGNING_SEED).to.equal('s'.repeat(40));
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        API_KEY_PEPPER: 'q'.repeat(40),
        API_KEY_PEPPER_FILE: pepper,
        JWT_SIGNING_SEED_FILE: seed,
        COMMAND_SIGNING_KEY_FILE: command,
        WEBHOOK_SECRET_KEY: 'w'.repeat(40),
      }),
    ).to.throw(ConfigError, /API_KEY_PEPPER: set API_KEY_PEPPER or API_KEY_PEPPER_FILE, not both/);
  });

  it('takes every secret variable from a file', async () => {
    // A value each variable's own rule accepts (URLs for the URLs, a JSON list for the key list).
    const sample = (name: string): string =>
      name === 'DATABASE_URL'
        ? 'postgres://u:p@db.internal:5432/x'
        : name === 'REDIS_URL'
          ? 'rediss://:p@redis.internal:6380'
          : name === 'JWT_SIGNING_KEYS'
            ? JSON.stringify([{ kid: 'k1', status: 'current', seed: 'z'.repeat(40) }])
            : `${name.toLowerCase().replace(/_/g, '')}${'x'.repeat(40)}`;
    const env: Record<string, string> = { NODE_ENV: 'test', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'u' };
    for (const name of SECRET_VARIABLES) {
      const file = path.join(dir, `secret-${name}`);
      await fsp.writeFile(file, `${sample(name)}\n`, { mode: 0o600 });
      env[`${name}_FILE`] = file;
    }
    const c = loadConfig(env) as unknown as Record<string, unknown>;
    for (const name of SECRET_VARIABLES.filter((n) => n !== 'JWT_SIGNING_KEYS')) expect(c[name], name).to.equal(sample(name));
    expect((c.JWT_SIGNING_KEYS as { kid: string }[])[0]?.kid).to.equal('k1');
  });

  it('names an unreadable file without echoing any secret', async () => {
    const missing = path.join(dir, 'nope');
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'test', DATABASE_URL_FILE: missing, API_KEY_PEPPER: 'secret-value-'.repeat(4) });
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).to.match(/DATABASE_URL_FILE: cannot read/);
    expect(message).to.not.include('secret-value-');
  });
});
