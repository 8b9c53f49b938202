import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkpointSigningInput,
  loadOrCreateSigningKey,
  resolvePublicKey,
  signCheckpoint,
  verifyCheckpointSignature,
  keyIdOf,
} from '../../../workers/audit-sink/store/checkpoint';
import type { Checkpoint } from '../../../workers/audit-sink/store/types';

const cp: Checkpoint = {
  version: 1,
  store: 'fs',
  partition: 3,
  segment: 'p3/00000000000000000000.seg',
  firstSeq: 0,
  count: 2,
  firstOffset: '10',
  lastOffset: '11',
  prevChainHead: '0'.repeat(64),
  chainHead: 'a'.repeat(64),
  merkleRoot: 'b'.repeat(64),
  bytes: 1234,
  sha256: 'c'.repeat(64),
  tornTail: null,
  sealedAt: '2024-01-01T00:00:00.000Z',
};

describe('audit checkpoint signing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-ckpt-'));
  });
  afterEach(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('generates a key on first use (private 0600, public exported) and reloads the same key', async () => {
    const keys = await loadOrCreateSigningKey({ dataDir: dir });
    const st = await fsp.stat(keys.privateKeyPath);
    expect(st.mode & 0o777).to.equal(0o600);
    expect(await fsp.readFile(keys.publicKeyPath, 'utf8')).to.match(/BEGIN PUBLIC KEY/);
    expect(await fsp.readFile(keys.privateKeyPath, 'utf8')).to.match(/BEGIN PRIVATE KEY/);
    const again = await loadOrCreateSigningKey({ dataDir: dir });
    expect(again.keyId).to.equal(keys.keyId);
    expect(keyIdOf(await resolvePublicKey(keys.publicKeyPath))).to.equal(keys.keyId);
  });

  it('loads a PKCS8 PEM from an explicit path and refuses a missing one', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const p = path.join(dir, 'k.pem');
    await fsp.writeFile(p, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const keys = await loadOrCreateSigningKey({ dataDir: dir, signingKeyPath: p });
    expect(keys.privateKey.asymmetricKeyType).to.equal('ed25519');
    await expect(loadOrCreateSigningKey({ dataDir: dir, signingKeyPath: path.join(dir, 'nope.pem') })).to.be.rejectedWith(/not found/);
  });

  it('signs the canonical checkpoint and verifies it; any change or another key fails', async () => {
    const keys = await loadOrCreateSigningKey({ dataDir: dir });
    const sc = signCheckpoint(cp, keys);
    expect(checkpointSigningInput(cp).toString()).to.match(/^stateset-audit-checkpoint-v1\n\{"bytes":1234,/);
    expect(verifyCheckpointSignature(sc, keys.publicKey)).to.equal(true);
    for (const change of [{ count: 3 }, { merkleRoot: 'd'.repeat(64) }, { lastOffset: '12' }, { partition: 4 }, { sealedAt: 'x' }]) {
      expect(verifyCheckpointSignature({ ...sc, checkpoint: { ...cp, ...change } }, keys.publicKey), JSON.stringify(change)).to.equal(false);
    }
    const other = generateKeyPairSync('ed25519');
    const forged = signCheckpoint({ ...cp, count: 3 }, { privateKey: other.privateKey, keyId: keys.keyId });
    expect(verifyCheckpointSignature(forged, keys.publicKey)).to.equal(false);
    expect(verifyCheckpointSignature({ ...sc, signature: 'AAAA' }, keys.publicKey)).to.equal(false);
  });
});
