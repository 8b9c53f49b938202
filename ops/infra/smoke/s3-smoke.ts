/**
 * Smoke test of the local S3 (Ceph radosgw) started by `ops/infra/up.sh --with-s3`: Object Lock
 * must be really enforced.
 *
 *   source .infra/env && npx tsx ops/infra/smoke/s3-smoke.ts
 *
 * Checks: bucket created with Object Lock enabled (versioning on); PUT with COMPLIANCE retention;
 * GET returns the same bytes; retention read back; delete by VersionId refused (also with BypassGovernanceRetention);
 * shortening the retention refused; a plain DELETE only adds a delete marker and the locked
 * version is still listed by ListObjectVersions. The S3 client is built like the audit sink's
 * (workers/audit-sink/store/s3-store.ts): SDK defaults + forcePathStyle. Exits 1 on failure.
 * Buckets are left behind (their objects are locked); the cluster is RAM-backed and throw-away.
 */
import {
  S3Client,
  S3ServiceException,
  CreateBucketCommand,
  GetObjectLockConfigurationCommand,
  PutObjectCommand,
  GetObjectRetentionCommand,
  PutObjectRetentionCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
} from '@aws-sdk/client-s3';

const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:7480';
const accessKeyId = process.env.S3_ACCESS_KEY_ID;
const secretAccessKey = process.env.S3_SECRET_ACCESS_KEY;
const region = process.env.S3_REGION ?? 'us-east-1';
const started = Date.now();

function step(msg: string): void {
  console.log(`[s3-smoke +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function errName(e: unknown): string {
  if (e instanceof S3ServiceException) return `${e.name} (HTTP ${e.$metadata.httpStatusCode ?? '?'})`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs op and requires it to be refused with 403 AccessDenied. */
async function expectDenied(what: string, op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (e) {
    const status = e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
    assert(status === 403, `${what}: expected 403 AccessDenied, got ${errName(e)}`);
    step(`${what}: refused with ${errName(e)}`);
    return;
  }
  throw new Error(`${what}: succeeded, but Object Lock must refuse it`);
}

async function main(): Promise<void> {
  assert(accessKeyId && secretAccessKey, 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set (source .infra/env)');
  const s3 = new S3Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true });
  const bucket = `infra-smoke-${Date.now()}`;
  const key = 'locked/object.txt';
  step(`endpoint=${endpoint} bucket=${bucket}`);

  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  const lockCfg = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
  assert(lockCfg.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled', 'bucket has Object Lock enabled');
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  assert(versioning.Status === 'Enabled', `versioning enabled by Object Lock (got ${versioning.Status})`);
  step('bucket created with Object Lock enabled (versioning Enabled)');

  const body = 'audit record that must not disappear';
  const retainUntil = new Date(Date.now() + 24 * 3600 * 1000);
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: 'text/plain',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: retainUntil,
    }),
  );
  const versionId = put.VersionId;
  assert(versionId, 'PUT returned a VersionId');
  step(`PUT with COMPLIANCE retention until ${retainUntil.toISOString()} (version ${versionId})`);

  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const text = await got.Body?.transformToString();
  assert(text === body, `GET returns the bytes that were PUT (got ${JSON.stringify(text?.slice(0, 80))})`);
  assert(got.ObjectLockMode === 'COMPLIANCE', `GET reports ObjectLockMode COMPLIANCE (got ${got.ObjectLockMode})`);

  const ret = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  assert(ret.Retention?.Mode === 'COMPLIANCE', `retention mode COMPLIANCE (got ${ret.Retention?.Mode})`);
  step(`retention read back: ${ret.Retention?.Mode} until ${ret.Retention?.RetainUntilDate?.toISOString()}`);

  await expectDenied('DELETE by VersionId', () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })));
  await expectDenied('DELETE by VersionId with BypassGovernanceRetention', () =>
    s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, BypassGovernanceRetention: true })),
  );
  await expectDenied('shortening COMPLIANCE retention', () =>
    s3.send(
      new PutObjectRetentionCommand({
        Bucket: bucket,
        Key: key,
        VersionId: versionId,
        BypassGovernanceRetention: true,
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 60_000) },
      }),
    ),
  );

  const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  step(`plain DELETE (no VersionId) "succeeds": DeleteMarker=${del.DeleteMarker} (expected, as on AWS)`);
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  assert(
    versions.Versions?.some((v) => v.VersionId === versionId),
    'the locked version is still listed by ListObjectVersions after a plain DELETE',
  );
  step(`ListObjectVersions: ${versions.Versions?.length ?? 0} version(s), ${versions.DeleteMarkers?.length ?? 0} delete marker(s); locked version intact`);
  step('OK');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[s3-smoke] FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
