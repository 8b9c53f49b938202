import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { keyCustodyProblems } from '../../../workers/audit-sink/key-custody';
import type { FsWormStoreConfig } from '../../../workers/audit-sink/store';
import { keyIdOf } from '../../../workers/audit-sink/store/checkpoint';
import { auditPublicKey } from '../../../ops/cli/audit';
import { loadConfig } from '../../../shared/config';

/** The checkpoint signing key must not be held by whoever can write the audit store (real files and modes). */
describe('audit sink: signing-key custody in production', () => {
  let root: string;
  let store: FsWormStoreConfig;
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'key-custody-'));
    store = { kind: 'fs', dir: path.join(root, 'audit'), checkpointDir: path.join(root, 'checkpoints'), maxSegmentRecords: 10, maxSegmentAgeMs: 1000 };
    await fsp.mkdir(store.dir, { recursive: true });
    await fsp.mkdir(path.join(root, 'secrets'), { recursive: true });
  });
  after(async () => fsp.rm(root, { recursive: true, force: true }));

  it('refuses no key (it would be generated in the store), a key inside the store, and a key others can read', async () => {
    expect((await keyCustodyProblems(store)).join()).to.match(/AUDIT_SIGNING_KEY_PATH is unset/);
    const inside = path.join(store.dir, 'keys.pem');
    await fsp.writeFile(inside, pem, { mode: 0o600 });
    expect((await keyCustodyProblems({ ...store, signingKeyPath: inside })).join()).to.match(/inside the audit directory/);
    const loose = path.join(root, 'secrets', 'loose.pem');
    await fsp.writeFile(loose, pem, { mode: 0o644 });
    await fsp.chmod(loose, 0o644);
    expect((await keyCustodyProblems({ ...store, signingKeyPath: loose })).join()).to.match(/readable or writable by group or others \(mode 644\)/);
  });

  it('accepts a key outside every audit directory, readable by its owner only', async () => {
    const good = path.join(root, 'secrets', 'checkpoint-signing.pem');
    await fsp.writeFile(good, pem, { mode: 0o600 });
    await fsp.chmod(good, 0o600);
    expect(await keyCustodyProblems({ ...store, signingKeyPath: good })).to.deep.equal([]);
  });

  it('stateset audit public-key prints the public half of the store key and its key id, to pin elsewhere', async () => {
    const good = path.join(root, 'secrets', 'checkpoint-signing.pem');
    const config = loadConfig({ NODE_ENV: 'test', AUDIT_DIR: store.dir, AUDIT_CHECKPOINT_DIR: store.checkpointDir, AUDIT_SIGNING_KEY_PATH: good });
    const { pem: pub, keyId } = await auditPublicKey(config, 'fs');
    expect(pub)
      .to.match(/^-----BEGIN PUBLIC KEY-----/)
      .and.not.match(/PRIVATE/);
    expect(keyId).to.equal(keyIdOf(createPublicKey(createPrivateKey(pem))));
  });
});
