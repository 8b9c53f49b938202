import { CreateBucketCommand, GetObjectLockConfigurationCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { ConfigError, DependencyUnavailableError } from '../../shared/errors';
import type { S3WormStoreConfig } from './store';
import { createS3Client, errorName } from './store/s3-store';

/**
 * The sink only writes to a bucket whose Object Lock is enabled: a missing bucket is created with
 * it (Object Lock can only be turned on at creation), a bucket without it stops the sink at start.
 */
export async function ensureObjectLockBucket(config: S3WormStoreConfig): Promise<'created' | 'exists'> {
  const client = createS3Client(config);
  try {
    let created = false;
    try {
      await client.send(new HeadBucketCommand({ Bucket: config.bucket }));
    } catch (err) {
      if (!['NotFound', 'NoSuchBucket'].includes(errorName(err))) throw err;
      await client.send(new CreateBucketCommand({ Bucket: config.bucket, ObjectLockEnabledForBucket: true }));
      created = true;
    }
    const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: config.bucket })).catch((err: unknown) => {
      if (errorName(err) === 'ObjectLockConfigurationNotFoundError') return null;
      throw err;
    });
    if (lock?.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled') {
      throw new ConfigError(`S3 bucket ${config.bucket} does not have Object Lock enabled; the audit sink refuses to write to it`);
    }
    return created ? 'created' : 'exists';
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new DependencyUnavailableError('s3', `${errorName(err)} on bucket ${config.bucket}`, err);
  } finally {
    client.destroy();
  }
}
