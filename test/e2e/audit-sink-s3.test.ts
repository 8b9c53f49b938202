import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { createContainer, type Deps } from '../../shared/container';
import { AuditSink } from '../../workers/audit-sink/sink';
import { ensureObjectLockBucket } from '../../workers/audit-sink/s3-bucket';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';
import { createWormStore, verifyStore, type S3WormStoreConfig } from '../../workers/audit-sink/store';
import { ConfigError } from '../../shared/errors';
import { ownTopics, startGateway, testConfig, waitFor, type RunningGateway } from '../support/platform';

/** The sink with AUDIT_STORE=s3 against the real Ceph radosgw: records end up in locked objects that verify. */
describe('e2e: audit sink → S3 Object Lock store', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let deps: Deps;
  let sink: AuditSink;
  let store: S3WormStoreConfig;

  before(async () => {
    for (const v of ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
      if (!process.env[v]) throw new Error(`S3 (Ceph radosgw) is required: ${v} is not set (bash ops/infra/up.sh --with-s3 && source .infra/env)`);
    }
    // Topics of its own: the sink stores this test's records (5 per object), not the run's backlog.
    const own = await ownTopics();
    const config = testConfig({
      ...own,
      AUDIT_STORE: 's3',
      S3_BUCKET: `stateset-e2e-${randomBytes(4).toString('hex')}`,
      S3_RETENTION_DAYS: '1',
      AUDIT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-s3-')),
      AUDIT_SEGMENT_MAX_AGE_MS: '1000',
      AUDIT_SEGMENT_MAX_RECORDS: '5',
    });
    store = wormStoreConfig(config) as S3WormStoreConfig;
    expect(await ensureObjectLockBucket(store)).to.equal('created');
    expect(await ensureObjectLockBucket(store)).to.equal('exists');
    deps = await createContainer(config, 'audit-sink');
    sink = new AuditSink(deps, createWormStore(store), store);
    await sink.start();
    gw = await startGateway({ ...own, RATE_LIMIT_IP_FAILURES_PER_MIN: '1000' });
  });
  after(async () => {
    await sink?.stop();
    await deps?.close();
    await gw?.close();
  });

  it('refuses a bucket without Object Lock', async () => {
    const plain = { ...store, bucket: `stateset-plain-${randomBytes(4).toString('hex')}` };
    const client = new S3Client({
      endpoint: plain.endpoint,
      region: plain.region,
      forcePathStyle: true,
      credentials: { accessKeyId: plain.accessKeyId, secretAccessKey: plain.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: plain.bucket }));
    client.destroy();
    await expect(ensureObjectLockBucket(plain)).to.be.rejectedWith(ConfigError);
  });

  it('stores the trail in sealed, locked objects that verify', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', `bad-${i}`)).status).to.equal(401);
    }
    const result = await waitFor(
      'sealed and verifiable',
      async () => {
        await sink.verify();
        const r = await verifyStore(store);
        return r.ok && r.records >= 12 ? r : null;
      },
      60_000,
    );
    expect(result.segments).to.be.greaterThan(1);
  });
});
