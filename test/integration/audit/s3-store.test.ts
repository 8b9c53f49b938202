/**
 * Against a REAL S3 with Object Lock (Ceph radosgw from ops/infra/s3.sh). Needs S3_ENDPOINT,
 * S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION in the environment (`source .infra/env`); when they
 * are not set, .infra/env is read directly. Never skipped: missing config or an unreachable server fails.
 * Each run creates its own bucket (Object Lock must be enabled at creation); locked objects cannot be
 * removed until their retain-until date, so the bucket is left behind (retentionDays: 1).
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWormStore } from '../../../workers/audit-sink/store';
import { createS3Client, errorName, getObjectBytes, segmentName } from '../../../workers/audit-sink/store/s3-store';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import type { AuditEntry, S3WormStoreConfig, SealedInfo, WormStore } from '../../../workers/audit-sink/store/types';

const VARS = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION'] as const;

function s3Env(): Record<(typeof VARS)[number], string> {
  const envFile = path.resolve(__dirname, '../../../.infra/env');
  const fromFile: Record<string, string> = {};
  if (existsSync(envFile)) {
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) fromFile[m[1] as string] = (m[2] as string).trim().replace(/^['"]|['"]$/g, '');
    }
  }
  const out: Partial<Record<(typeof VARS)[number], string>> = {};
  const missing: string[] = [];
  for (const v of VARS) {
    const val = process.env[v] ?? fromFile[v];
    if (val) out[v] = val;
    else missing.push(v);
  }
  if (missing.length > 0) {
    throw new Error(`S3 (Ceph radosgw) is not configured: ${missing.join(', ')} missing. Start it with ops/infra/s3.sh and \`source .infra/env\`.`);
  }
  return out as Record<(typeof VARS)[number], string>;
}

function entries(partition: number, from: number, n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    partition,
    offset: String(from + i),
    record: {
      eventId: `s3-${partition}-${from + i}-${randomBytes(4).toString('hex')}`,
      occurredAt: new Date().toISOString(),
      tenantId: 't',
      principal: null,
      action: 'api_key.created',
      resourceType: 'api_key',
      resourceId: `k${from + i}`,
      outcome: 'success',
      requestId: null,
      operationId: null,
      sourceIp: null,
      userAgent: null,
      details: null,
    },
  }));
}

describe('audit s3 store (real Ceph radosgw S3 with Object Lock)', function () {
  this.timeout(120_000);
  let env: Record<(typeof VARS)[number], string>;
  let client: S3Client;
  let bucket: string;
  let tmp: string;
  const stores: WormStore[] = [];

  const cfg = (prefix: string, extra: Partial<S3WormStoreConfig> = {}): S3WormStoreConfig => ({
    kind: 's3',
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    bucket,
    prefix,
    retentionDays: 1,
    signingKeyPath: path.join(tmp, 'signing.pem'),
    maxSegmentRecords: 5,
    maxSegmentAgeMs: 1000,
    stagingDir: path.join(tmp, `staging-${prefix.replace(/\W/g, '')}`),
    ...extra,
  });

  async function open(c: S3WormStoreConfig): Promise<WormStore> {
    const s = createWormStore(c);
    await s.init();
    stores.push(s);
    return s;
  }

  before(async () => {
    env = s3Env();
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-s3-'));
    // one signing key for every store of the run
    await fsp.writeFile(path.join(tmp, 'signing.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    client = createS3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    });
    bucket = `audit-worm-${Date.now()}-${randomBytes(3).toString('hex')}`;
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    } catch (e) {
      throw new Error(`S3 at ${env.S3_ENDPOINT} did not create an Object Lock bucket: ${errorName(e)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  });

  after(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  });

  it('seals segments as COMPLIANCE-locked objects with retain-until from config and a SHA-256 checksum; checkpoints too', async () => {
    const c = cfg('run1/');
    const store = await open(c);
    const sealed: SealedInfo[] = [];
    store.onSealed = (i) => sealed.push(i);
    const before = Date.now();
    await store.append(entries(0, 10, 7)); // 5 sealed inline, 2 open
    await store.sealDue(new Date(Date.now() + 5000));
    expect(sealed.map((s) => s.segment)).to.deep.equal([segmentName(0, '10', '14'), segmentName(0, '15', '16')]);
    expect(segmentName(0, '10', '14')).to.equal('p0/00000000000000000010-00000000000000000014.seg');
    expect(await store.committedOffset(0)).to.equal('16');

    for (const key of ['run1/p0/00000000000000000010-00000000000000000014.seg', 'run1/checkpoints/p0/00000000000000000010-00000000000000000014.json']) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      expect(head.ObjectLockMode, key).to.equal('COMPLIANCE');
      const until = head.ObjectLockRetainUntilDate?.getTime() ?? 0;
      expect(until).to.be.within(before + 86_400_000 - 5_000, Date.now() + 86_400_000 + 5_000);
      const body = await getObjectBytes(client, bucket, key);
      // The upload carries x-amz-checksum-sha256 (verified by servers that support it) and the digest
      // as object metadata. Ceph 16 radosgw does not return stored checksums on HEAD, so the metadata
      // is what this server proves; a server that does return one must return the same digest.
      const digest = createHash('sha256').update(body);
      const hex = digest.copy().digest('hex');
      expect(head.Metadata?.sha256, `${key} sha256 metadata`).to.equal(hex);
      if (head.ChecksumSHA256 !== undefined) expect(head.ChecksumSHA256, `${key} stored checksum`).to.equal(digest.digest('base64'));
    }
    expect(await verifyStore(c, { client })).to.deep.include({ ok: true, partitions: 1, segments: 2, records: 7 });
  });

  it('signing-key rotation: the store restarts on its old checkpoints, and both periods verify with both keys pinned', async () => {
    const prefix = `rotation-${randomBytes(3).toString('hex')}/`;
    const oldKey = path.join(tmp, 'signing.pem');
    const oldPub = path.join(tmp, 'rotation-old.pub.pem');
    const newKey = path.join(tmp, 'rotation-new.pem');
    const newPub = path.join(tmp, 'rotation-new.pub.pem');
    const { createPublicKey } = await import('node:crypto');
    await fsp.writeFile(oldPub, createPublicKey(readFileSync(oldKey, 'utf8')).export({ type: 'spki', format: 'pem' }));
    const fresh = generateKeyPairSync('ed25519');
    await fsp.writeFile(newKey, fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await fsp.writeFile(newPub, fresh.publicKey.export({ type: 'spki', format: 'pem' }));

    const before = await open(cfg(prefix));
    await before.append(entries(0, 0, 5));
    await before.sealDue(new Date(Date.now() + 5000));
    await before.close();
    // A new key alone does not trust the store's history: the sink would refuse to write on.
    const refused = await open(cfg(prefix, { signingKeyPath: newKey })).then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(refused).to.match(/not signed by the configured key or a previous one/);
    // The rotation as documented: the new key, and the old one's public key as a previous key.
    const rotated = cfg(prefix, { signingKeyPath: newKey, previousPublicKeyPaths: [oldPub] });
    const after = await open(rotated);
    await after.append(entries(0, 5, 5));
    await after.sealDue(new Date(Date.now() + 5000));
    await after.close();

    const both = await verifyStore(rotated, { publicKey: [oldPub, newPub] });
    expect(both.ok, JSON.stringify(both)).to.equal(true);
    expect(both.ok && both.records).to.equal(10);
    expect((await verifyStore(rotated)).ok, 'unpinned: the store key plus AUDIT_SIGNING_PREVIOUS_PUBLIC_KEYS').to.equal(true);
    const onlyNew = await verifyStore(rotated, { publicKey: [newPub] });
    expect(onlyNew.ok).to.equal(false);
    expect(!onlyNew.ok && onlyNew.kind).to.equal('bad-signature');
    const onlyOld = await verifyStore(rotated, { publicKey: [oldPub] });
    expect(!onlyOld.ok && onlyOld.kind).to.equal('bad-signature');
  });

  it('refuses a delete by VersionId and a retention shortening', async () => {
    const key = 'run1/p0/00000000000000000010-00000000000000000014.seg';
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    const versionId = versions.Versions?.[0]?.VersionId;
    expect(versionId).to.be.a('string');
    const delErr: unknown = await expect(client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).to.be.rejected;
    expect(errorName(delErr)).to.equal('AccessDenied');
    const before = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    const shorten = new PutObjectRetentionCommand({
      Bucket: bucket,
      Key: key,
      VersionId: versionId,
      Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 60_000) },
    });
    const retErr: unknown = await expect(client.send(shorten), 'retention shortening must be refused').to.be.rejected;
    expect(errorName(retErr)).to.equal('AccessDenied');
    const after = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    expect(after.Retention?.RetainUntilDate?.getTime()).to.equal(before.Retention?.RetainUntilDate?.getTime());
    expect(await verifyStore(cfg('run1/'), { client })).to.include({ ok: true });
  });

  it('a retried upload (crash after the segment PUT) reuses the same key and creates no second version', async () => {
    const c = cfg('run2/');
    const a = await open(c);
    await a.append(entries(3, 100, 3));
    await a.close();
    // simulate the crash: the segment object was written, the checkpoint was not, staging still there
    const staging = path.join(c.stagingDir, 'p3', '00000000000000000000.seg');
    const data = await fsp.readFile(staging);
    const key = `run2/${segmentName(3, '100', '102')}`;
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: data,
        ChecksumAlgorithm: 'SHA256',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000),
        Metadata: { sha256: createHash('sha256').update(data).digest('hex') },
      }),
    );
    const b = await open(c); // recovery finishes the seal
    await b.append(entries(3, 103, 2));
    await b.sealDue(new Date(Date.now() + 5000));
    const v = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    expect(v.Versions ?? []).to.have.length(1);
    expect(v.DeleteMarkers ?? []).to.have.length(0);
    expect(await verifyStore(c, { client })).to.deep.include({ ok: true, segments: 2, records: 5 });
  });

  it('the verifier (ListObjectVersions) reports a delete marker on a segment key as tampering', async () => {
    const c = cfg('run3/');
    const s = await open(c);
    await s.append(entries(1, 0, 5));
    const key = `run3/${segmentName(1, '0', '4')}`;
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })); // allowed: only adds a delete marker
    const res = await verifyStore(c, { client });
    expect(res).to.include({ ok: false, kind: 'delete-marker', segment: segmentName(1, '0', '4') });
  });

  it('the verifier reports an extra version on a segment key as tampering', async () => {
    const c = cfg('run4/');
    const s = await open(c);
    await s.append(entries(2, 0, 5));
    const key = `run4/${segmentName(2, '0', '4')}`;
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: Buffer.from('forged\n'),
        ChecksumAlgorithm: 'SHA256',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000),
      }),
    );
    const res = await verifyStore(c, { client });
    expect(res).to.include({ ok: false, kind: 'extra-version', segment: segmentName(2, '0', '4') });
  });
});
