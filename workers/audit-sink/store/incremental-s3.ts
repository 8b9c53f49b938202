/**
 * The s3 store for the incremental verifier: per partition, the checkpoint keys after the last one
 * seen (keys sort by padded offsets, so new segments come after), each checked for exactly one
 * version, no delete marker and Object Lock COMPLIANCE, like its segment object.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseSignedCheckpoint } from './checkpoint';
import type { CheckpointRef, IncrementalSource, NewCheckpoint, NewCheckpoints } from './incremental-source';
import { sha256 } from './merkle';
import { CHECKPOINT_KEY_RE, createS3Client, errorName, getObjectBytes, listAllKeys, normalizePrefix } from './s3-store';
import { failure, type VerifyFailure } from './segment-check';
import { listVersions, lockFailure } from './snapshot-s3';
import { groupCheckpoints } from './snapshot-types';
import type { S3WormStoreConfig, SignedCheckpoint } from './types';

export class S3IncrementalSource implements IncrementalSource {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly lastKey = new Map<number, string>();

  constructor(
    private readonly config: S3WormStoreConfig,
    client?: S3Client,
  ) {
    this.client = client ?? createS3Client(config);
    this.prefix = normalizePrefix(config.prefix);
  }

  get checkpointLocation(): string {
    return `s3://${this.config.bucket}/${this.prefix}checkpoints/`;
  }

  async partitions(): Promise<number[]> {
    const out: number[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: `${this.prefix}checkpoints/`,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const cp of res.CommonPrefixes ?? []) {
        const m = /\/p(0|[1-9]\d*)\/$/.exec(cp.Prefix ?? '');
        if (m) out.push(Number(m[1]));
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => a - b);
  }

  /** Exactly one version and no delete marker on `key`, and COMPLIANCE lock. */
  private async objectFailure(key: string, partition: number, name: string): Promise<VerifyFailure | null> {
    const v = (await listVersions(this.client, this.config.bucket, key)).get(key) ?? { versions: 0, deleteMarkers: 0 };
    if (v.deleteMarkers > 0) return failure(partition, name, null, 'delete-marker', `${key} has ${v.deleteMarkers} delete marker(s)`);
    if (v.versions !== 1) return failure(partition, name, null, 'extra-version', `${key} has ${v.versions} versions; a sealed object must have exactly one`);
    return lockFailure(this.client, this.config.bucket, key, partition, name);
  }

  private async keysAfter(partition: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: `${this.prefix}checkpoints/p${partition}/`,
          StartAfter: this.lastKey.get(partition),
          ContinuationToken: token,
        }),
      );
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async newCheckpoints(): Promise<NewCheckpoints> {
    const checkpoints: NewCheckpoint[] = [];
    for (const partition of await this.partitions()) {
      for (const key of await this.keysAfter(partition)) {
        const rel = key.slice(this.prefix.length);
        if (!CHECKPOINT_KEY_RE.test(rel))
          return { failure: failure(partition, rel, null, 'unexpected-object', `unexpected object ${key} under the audit prefix`) };
        const segRel = rel.replace(/^checkpoints\//, '').replace(/\.json$/, '.seg');
        const bad = await this.objectFailure(key, partition, rel);
        if (bad) return { failure: bad };
        const body = await getObjectBytes(this.client, this.config.bucket, key);
        const sc = parseCheckpointBody(body);
        if (!sc) return { failure: failure(partition, segRel, null, 'bad-signature', `checkpoint ${key} is malformed`) };
        if (sc.checkpoint.segment !== segRel) {
          return {
            failure: failure(partition, segRel, sc.checkpoint.firstSeq, 'checkpoint-mismatch', `checkpoint ${key} is for ${sc.checkpoint.segment}`),
          };
        }
        checkpoints.push({ sc, ref: { key, sha256: sha256(body).toString('hex') } });
        this.lastKey.set(partition, key);
      }
    }
    return { checkpoints, warnings: [] };
  }

  async recheckCheckpoint(ref: CheckpointRef, partition: number, segment: string): Promise<'same' | 'changed' | VerifyFailure> {
    if (!('key' in ref)) return 'changed';
    const bad = await this.objectFailure(ref.key, partition, ref.key.slice(this.prefix.length));
    if (bad) return bad;
    try {
      const body = await getObjectBytes(this.client, this.config.bucket, ref.key);
      return sha256(body).toString('hex') === ref.sha256 ? 'same' : 'changed';
    } catch (e) {
      return failure(partition, segment, null, 'missing-checkpoint', `checkpoint ${ref.key} cannot be read (${errorName(e)})`);
    }
  }

  async allCheckpoints(): Promise<Map<string, SignedCheckpoint[]>> {
    const all: SignedCheckpoint[] = [];
    for (const key of await listAllKeys(this.client, this.config.bucket, `${this.prefix}checkpoints/`)) {
      const sc = parseCheckpointBody(await getObjectBytes(this.client, this.config.bucket, key));
      if (sc) all.push(sc);
    }
    return groupCheckpoints(all);
  }

  async loadSegment(segment: string): Promise<Buffer | null> {
    try {
      return await getObjectBytes(this.client, this.config.bucket, `${this.prefix}${segment}`);
    } catch (e) {
      if (['NoSuchKey', 'NotFound'].includes(errorName(e))) return null;
      throw e;
    }
  }

  checkObjects(partition: number, segment: string): Promise<VerifyFailure | null> {
    return this.objectFailure(`${this.prefix}${segment}`, partition, segment);
  }
}

function parseCheckpointBody(body: Buffer): SignedCheckpoint | null {
  try {
    return parseSignedCheckpoint(JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return null;
  }
}
