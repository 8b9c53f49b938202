import path from 'node:path';
import type { Config } from '../../shared/config';
import { ConfigError } from '../../shared/errors';
import type { WormStoreConfig } from './store';

/** The WORM store the config names (AUDIT_STORE=fs|s3), with paths resolved. */
export function wormStoreConfig(config: Config, kind: 'fs' | 's3' = config.AUDIT_STORE): WormStoreConfig {
  const common = {
    signingKeyPath: config.AUDIT_SIGNING_KEY_PATH ? path.resolve(config.AUDIT_SIGNING_KEY_PATH) : undefined,
    previousPublicKeyPaths: config.AUDIT_SIGNING_PREVIOUS_PUBLIC_KEYS.map((p) => path.resolve(p)),
    maxSegmentRecords: config.AUDIT_SEGMENT_MAX_RECORDS,
    maxSegmentAgeMs: config.AUDIT_SEGMENT_MAX_AGE_MS,
  };
  if (kind === 'fs') {
    return { kind: 'fs', dir: path.resolve(config.AUDIT_DIR), checkpointDir: path.resolve(config.AUDIT_CHECKPOINT_DIR), ...common };
  }
  if (!config.S3_ENDPOINT || !config.S3_ACCESS_KEY_ID || !config.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('the s3 audit store needs S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  }
  return {
    kind: 's3',
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    bucket: config.S3_BUCKET,
    prefix: config.KAFKA_TOPIC_PREFIX ? `${config.KAFKA_TOPIC_PREFIX.replace(/\.$/, '')}/` : '',
    retentionDays: config.S3_RETENTION_DAYS,
    stagingDir: path.resolve(config.AUDIT_DIR, 's3-staging'),
    ...common,
  };
}
