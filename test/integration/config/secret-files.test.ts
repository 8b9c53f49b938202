import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../shared/config';
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
    const c = loadConfig({ NODE_ENV: 'production', API_KEY_PEPPER_FILE: pepper, JWT_SIGNING_SEED_FILE: seed });
    expect(c.API_KEY_PEPPER).to.equal('p'.repeat(40));
    expect(c.JWT_SIGNING_SEED).to.equal('s'.repeat(40));
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEY_PEPPER: 'q'.repeat(40), API_KEY_PEPPER_FILE: pepper, JWT_SIGNING_SEED_FILE: seed })).to.throw(
      ConfigError,
      /API_KEY_PEPPER: set API_KEY_PEPPER or API_KEY_PEPPER_FILE, not both/,
    );
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
