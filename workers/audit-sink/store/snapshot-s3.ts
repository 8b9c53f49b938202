/**
 * The s3 store as the verifier sees it: ListObjectVersions (a delete marker or more than one version on
 * any key is tampering, as is an unexpected key under the prefix), checkpoints fetched and checked for
 * Object Lock COMPLIANCE, segments loaded on demand.
 */
import { GetObjectRetentionCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseSignedCheckpoint } from './checkpoint';
import { CHECKPOINT_KEY_RE, SEGMENT_KEY_RE, createS3Client, errorName, getObjectBytes, normalizePrefix } from './s3-store';
import { failure, type VerifyFailure } from './segment-check';
import { groupCheckpoints, type SegmentItem, type StoreSnapshot } from './snapshot-types';
import type { S3WormStoreConfig, SignedCheckpoint } from './types';

export interface VersionInfo {
  versions: number;
  deleteMarkers: number;
}

export async function listVersions(client: S3Client, bucket: string, prefix: string): Promise<Map<string, VersionInfo>> {
  const out = new Map<string, VersionInfo>();
  const get = (k: string): VersionInfo => {
    let v = out.get(k);
    if (!v) {
      v = { versions: 0, deleteMarkers: 0 };
      out.set(k, v);
    }
    return v;
  };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const res = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    for (const v of res.Versions ?? []) if (v.Key) get(v.Key).versions += 1;
    for (const d of res.DeleteMarkers ?? []) if (d.Key) get(d.Key).deleteMarkers += 1;
    if (!res.IsTruncated) break;
    keyMarker = res.NextKeyMarker;
    versionIdMarker = res.NextVersionIdMarker;
  }
  return out;
}

export async function lockFailure(client: S3Client, bucket: string, key: string, partition: number, name: string): Promise<VerifyFailure | null> {
  try {
    const r = await client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key }));
    if (r.Retention?.Mode !== 'COMPLIANCE') {
      return failure(partition, name, null, 'not-locked', `${key} has retention mode ${String(r.Retention?.Mode)}, not COMPLIANCE`);
    }
    return null;
  } catch (e) {
    return failure(partition, name, null, 'not-locked', `${key} has no Object Lock retention (${errorName(e)})`);
  }
}

export async function snapshotS3(config: S3WormStoreConfig, client: S3Client = createS3Client(config)): Promise<StoreSnapshot> {
  const prefix = normalizePrefix(config.prefix);
  const { bucket } = config;
  const versions = await listVersions(client, bucket, prefix);
  const warnings: string[] = [];
  // A store that fails a structural check is reported as that one failure, with no segments to read.
  const failed = (f: VerifyFailure): StoreSnapshot => ({ kind: 's3', partitions: new Map(), warnings, failure: f });
  const keys = [...versions.keys()].sort();
  for (const key of keys) {
    const v = versions.get(key) as VersionInfo;
    const rel = key.slice(prefix.length);
    const m = SEGMENT_KEY_RE.exec(rel) ?? CHECKPOINT_KEY_RE.exec(rel);
    const partition = m ? Number(m[1]) : null;
    if (!m) {
      return failed(failure(null, rel, null, 'unexpected-object', `unexpected object ${key} under the audit prefix`));
    }
    if (v.deleteMarkers > 0) {
      return failed(failure(partition, rel, null, 'delete-marker', `${key} has ${v.deleteMarkers} delete marker(s)`));
    }
    if (v.versions !== 1) {
      return failed(failure(partition, rel, null, 'extra-version', `${key} has ${v.versions} versions; a sealed object must have exactly one`));
    }
  }
  const checkpoints: SignedCheckpoint[] = [];
  const names = new Map<number, Set<string>>();
  for (const key of keys) {
    const rel = key.slice(prefix.length);
    const cm = CHECKPOINT_KEY_RE.exec(rel);
    const sm = SEGMENT_KEY_RE.exec(rel);
    if (cm) {
      const partition = Number(cm[1]);
      const lock = await lockFailure(client, bucket, key, partition, rel);
      if (lock) return failed(lock);
      let parsed: unknown;
      try {
        parsed = JSON.parse((await getObjectBytes(client, bucket, key)).toString('utf8')) as unknown;
      } catch {
        parsed = null;
      }
      const sc = parseSignedCheckpoint(parsed);
      const segRel = rel.replace(/^checkpoints\//, '').replace(/\.json$/, '.seg');
      if (!sc) return failed(failure(partition, segRel, null, 'bad-signature', `checkpoint ${key} is malformed`));
      if (sc.checkpoint.segment !== segRel) {
        return failed(failure(partition, segRel, sc.checkpoint.firstSeq, 'checkpoint-mismatch', `checkpoint ${key} is for ${sc.checkpoint.segment}`));
      }
      checkpoints.push(sc);
      const set = names.get(partition) ?? new Set<string>();
      set.add(segRel);
      names.set(partition, set);
    } else if (sm) {
      const partition = Number(sm[1]);
      const set = names.get(partition) ?? new Set<string>();
      set.add(rel);
      names.set(partition, set);
    }
  }
  const byName = groupCheckpoints(checkpoints);
  const partitions = new Map<number, SegmentItem[]>();
  for (const [p, set] of names) {
    partitions.set(
      p,
      [...set].sort().map((name): SegmentItem => ({
        name,
        checkpoints: byName.get(name) ?? [],
        load: async () => (versions.has(prefix + name) ? getObjectBytes(client, bucket, prefix + name) : null),
        sealedHint: async () => true,
        check: async () => (versions.has(prefix + name) ? lockFailure(client, bucket, prefix + name, p, name) : null),
      })),
    );
  }
  return { kind: 's3', partitions, warnings, failure: null };
}
