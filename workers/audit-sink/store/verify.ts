/**
 * Verifier for both stores. Walks every partition's segments in order and checks, per segment:
 *  - sealed segments: checkpoint signature (trusted public key), partition/segment/firstSeq/prevChainHead
 *    continuity, every line (canonical JSON, seq contiguity, partition, offset order, unique eventId,
 *    chain hash), record count, chain head, RFC 6962 Merkle root, byte length and SHA-256 of the covered
 *    bytes, and that bytes after the covered part are exactly the recorded torn tail (fs) / absent (s3);
 *  - the open (unsealed, last) fs segment: chain only;
 *  - s3: ListObjectVersions — a delete marker or more than one version on any key is tampering;
 *    every object must carry Object Lock COMPLIANCE.
 * Returns the FIRST problem (partition order, then segment order, then sequence order).
 */
import { GetObjectRetentionCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KeyObject } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { canonicalJson } from './canonical';
import { GENESIS_HASH, parseSegment, type ParsedSegment } from './chain';
import { DEFAULT_KEY_FILE, resolvePublicKey, verifyCheckpointSignature, parseSignedCheckpoint } from './checkpoint';
import { compareSegmentNames, listPartitionDirs, listSegmentFiles, readCheckpointLog } from './fs-store';
import { rootFromLeafHashes, sha256 } from './merkle';
import {
  CHECKPOINT_KEY_RE,
  SEGMENT_KEY_RE,
  createS3Client,
  errorName,
  getObjectBytes,
  normalizePrefix,
} from './s3-store';
import type {
  FsWormStoreConfig,
  GapReport,
  ProblemKind,
  S3WormStoreConfig,
  SignedCheckpoint,
  VerifyResult,
  WormStoreConfig,
} from './types';

export type VerifyFailure = Extract<VerifyResult, { ok: false }>;

export interface VerifyOptions {
  /** Trusted checkpoint public key (KeyObject, PEM text or PEM path). Default: derived from the store's key files — pin it for an independent audit. */
  publicKey?: KeyObject | string;
  onProgress?(done: number, total: number): void;
  /** s3 only: an S3 client to use instead of one built from the config */
  client?: S3Client;
}

export interface SegmentItem {
  /** `p<N>/<file>.seg` */
  name: string;
  checkpoints: SignedCheckpoint[];
  /** null when the segment file/object is missing */
  load(): Promise<Buffer | null>;
  /** fs: file mode is 0444 (a sealed segment); s3: always true */
  sealedHint(): Promise<boolean>;
  /** extra per-object check (s3 Object Lock), returns a failure or null */
  check?(): Promise<VerifyFailure | null>;
}

export interface StoreSnapshot {
  kind: 'fs' | 's3';
  partitions: Map<number, SegmentItem[]>;
  warnings: string[];
  /** a problem found while listing (s3 versions, unexpected objects) */
  failure: VerifyFailure | null;
}

function failure(
  partition: number | null,
  segment: string,
  sequence: number | null,
  kind: ProblemKind,
  reason: string,
): VerifyFailure {
  return { ok: false, partition, segment, sequence, kind, reason };
}

function groupCheckpoints(checkpoints: SignedCheckpoint[]): Map<string, SignedCheckpoint[]> {
  const m = new Map<string, SignedCheckpoint[]>();
  for (const sc of checkpoints) {
    const list = m.get(sc.checkpoint.segment) ?? [];
    list.push(sc);
    m.set(sc.checkpoint.segment, list);
  }
  return m;
}

export async function snapshotFs(config: FsWormStoreConfig): Promise<StoreSnapshot> {
  const log = await readCheckpointLog(config.checkpointDir);
  const warnings = log.badLines.map((n) => `checkpoint log line ${n} is not a valid checkpoint (ignored)`);
  const byName = groupCheckpoints(log.checkpoints);
  const partitions = new Map<number, SegmentItem[]>();
  const names = new Map<number, Set<string>>();
  for (const p of await listPartitionDirs(config.dir)) {
    names.set(p, new Set((await listSegmentFiles(path.join(config.dir, `p${p}`))).map((f) => `p${p}/${f}`)));
  }
  for (const sc of log.checkpoints) {
    const set = names.get(sc.checkpoint.partition) ?? new Set<string>();
    set.add(sc.checkpoint.segment);
    names.set(sc.checkpoint.partition, set);
  }
  for (const [p, set] of names) {
    const items = [...set]
      .sort((a, b) => compareSegmentNames(path.basename(a), path.basename(b)))
      .map((name): SegmentItem => {
        const file = path.join(config.dir, ...name.split('/'));
        return {
          name,
          checkpoints: byName.get(name) ?? [],
          load: async () => {
            try {
              return await fsp.readFile(file);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
              throw e;
            }
          },
          sealedHint: async () => {
            try {
              if (((await fsp.stat(file)).mode & 0o222) !== 0) return false;
            } catch {
              return false;
            }
            // Read-only now, but the log was read before: if its checkpoint has been appended since,
            // the sink sealed it while we were verifying (checkpoint first, then chmod) — not tampering.
            const fresh = await readCheckpointLog(config.checkpointDir);
            return !fresh.checkpoints.some((sc) => sc.checkpoint.segment === name);
          },
        };
      });
    partitions.set(p, items);
  }
  return { kind: 'fs', partitions, warnings, failure: null };
}

interface VersionInfo {
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
    const res = await client.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    for (const v of res.Versions ?? []) if (v.Key) get(v.Key).versions += 1;
    for (const d of res.DeleteMarkers ?? []) if (d.Key) get(d.Key).deleteMarkers += 1;
    if (!res.IsTruncated) break;
    keyMarker = res.NextKeyMarker;
    versionIdMarker = res.NextVersionIdMarker;
  }
  return out;
}

async function lockFailure(
  client: S3Client,
  bucket: string,
  key: string,
  partition: number,
  name: string,
): Promise<VerifyFailure | null> {
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
  const keys = [...versions.keys()].sort();
  for (const key of keys) {
    const v = versions.get(key) as VersionInfo;
    const rel = key.slice(prefix.length);
    const m = SEGMENT_KEY_RE.exec(rel) ?? CHECKPOINT_KEY_RE.exec(rel);
    const partition = m ? Number(m[1]) : null;
    if (!m) {
      return { kind: 's3', partitions: new Map(), warnings, failure: failure(null, rel, null, 'unexpected-object', `unexpected object ${key} under the audit prefix`) };
    }
    if (v.deleteMarkers > 0) {
      return { kind: 's3', partitions: new Map(), warnings, failure: failure(partition, rel, null, 'delete-marker', `${key} has ${v.deleteMarkers} delete marker(s)`) };
    }
    if (v.versions !== 1) {
      return { kind: 's3', partitions: new Map(), warnings, failure: failure(partition, rel, null, 'extra-version', `${key} has ${v.versions} versions; a sealed object must have exactly one`) };
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
      if (lock) return { kind: 's3', partitions: new Map(), warnings, failure: lock };
      let parsed: unknown;
      try {
        parsed = JSON.parse((await getObjectBytes(client, bucket, key)).toString('utf8')) as unknown;
      } catch {
        parsed = null;
      }
      const sc = parseSignedCheckpoint(parsed);
      const segRel = rel.replace(/^checkpoints\//, '').replace(/\.json$/, '.seg');
      if (!sc) return { kind: 's3', partitions: new Map(), warnings, failure: failure(partition, segRel, null, 'bad-signature', `checkpoint ${key} is malformed`) };
      if (sc.checkpoint.segment !== segRel) {
        return { kind: 's3', partitions: new Map(), warnings, failure: failure(partition, segRel, sc.checkpoint.firstSeq, 'checkpoint-mismatch', `checkpoint ${key} is for ${sc.checkpoint.segment}`) };
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

/** Verifies a snapshot (see the module comment for what is checked). */
export async function verifySnapshot(
  snap: StoreSnapshot,
  publicKey: KeyObject,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyResult> {
  if (snap.failure) return snap.failure;
  const total = [...snap.partitions.values()].reduce((n, items) => n + items.length, 0);
  let done = 0;
  let records = 0;
  const gaps: GapReport[] = [];
  onProgress?.(0, total);
  for (const partition of [...snap.partitions.keys()].sort((a, b) => a - b)) {
    const items = snap.partitions.get(partition) as SegmentItem[];
    let seq = 0;
    let chain = GENESIS_HASH;
    let lastOffset: bigint | null = null;
    const seen = new Set<string>();
    let prevTorn: { name: string; bytes: number; sha256: string } | null = null;
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i] as SegmentItem;
      const isLast = i === items.length - 1;
      const fail = (sequence: number | null, kind: ProblemKind, reason: string): VerifyFailure =>
        failure(partition, item.name, sequence, kind, reason);
      const cps = item.checkpoints;
      const sc = cps[0];
      if (sc) {
        for (const other of cps) {
          if (!verifyCheckpointSignature(other, publicKey)) {
            return fail(other.checkpoint.firstSeq, 'bad-signature', 'checkpoint signature does not verify with the trusted public key');
          }
        }
        if (cps.some((o) => canonicalJson({ ...o.checkpoint, sealedAt: '' }) !== canonicalJson({ ...sc.checkpoint, sealedAt: '' }))) {
          return fail(sc.checkpoint.firstSeq, 'checkpoint-mismatch', 'several different checkpoints for one segment');
        }
      }
      const cp = sc?.checkpoint;
      if (cp) {
        if (cp.partition !== partition || cp.segment !== item.name || cp.store !== snap.kind) {
          return fail(cp.firstSeq, 'checkpoint-mismatch', `checkpoint names ${cp.store}:${cp.segment} in partition ${cp.partition}`);
        }
        if (cp.firstSeq > seq) {
          return fail(seq, 'missing-segment', `records ${seq}..${cp.firstSeq - 1} are missing before this segment`);
        }
        if (cp.firstSeq < seq) return fail(seq, 'sequence-mismatch', `checkpoint starts at seq ${cp.firstSeq}, expected ${seq}`);
        if (cp.prevChainHead !== chain.toString('hex')) {
          return fail(seq, 'chain-mismatch', 'checkpoint does not continue the chain of the previous segment');
        }
      }
      const extra = item.check ? await item.check() : null;
      if (extra) return extra;
      const data = await item.load();
      if (data === null) {
        return fail(cp ? cp.firstSeq : seq, 'missing-segment', 'segment is missing but its checkpoint exists');
      }
      if (!cp) {
        if (!isLast || snap.kind === 's3') return fail(seq, 'missing-checkpoint', 'sealed segment has no checkpoint');
        if (await item.sealedHint()) return fail(seq, 'missing-checkpoint', 'segment is read-only (sealed) but has no checkpoint');
      }
      const covered = cp ? data.subarray(0, Math.min(cp.bytes, data.length)) : data;
      const parsed: ParsedSegment = parseSegment(covered, {
        partition,
        firstSeq: seq,
        prevChainHead: chain,
        lastOffset,
        seenEventIds: seen,
        allowGapLine: snap.kind === 'fs',
      });
      if (parsed.gap) {
        const g = parsed.gap;
        if (!prevTorn || g.previousSegment !== prevTorn.name || g.tornBytes !== prevTorn.bytes || g.tornSha256 !== prevTorn.sha256) {
          return fail(seq, 'unexplained-gap', 'gap marker does not match the torn tail recorded by the previous checkpoint');
        }
      }
      if (!cp) {
        // Open segment: chain only.
        if (parsed.problem) {
          if (parsed.problem.kind !== 'torn-tail') return fail(parsed.problem.sequence, parsed.problem.kind, parsed.problem.reason);
          gaps.push({ partition, segment: item.name, sequence: parsed.nextSeq, bytes: data.length - parsed.validBytes, kind: 'open-torn-tail' });
        }
      } else {
        if (parsed.problem) {
          const kind = parsed.problem.kind === 'torn-tail' ? 'truncated' : parsed.problem.kind;
          return fail(parsed.problem.sequence, kind, parsed.problem.reason);
        }
        if (data.length < cp.bytes || parsed.records.length < cp.count) {
          return fail(parsed.nextSeq, 'truncated', `segment holds ${parsed.records.length} of ${cp.count} records (${data.length} of ${cp.bytes} bytes)`);
        }
        if (parsed.records.length > cp.count) return fail(cp.firstSeq + cp.count, 'count-mismatch', `more records than the checkpoint's ${cp.count}`);
        const trailing = data.subarray(cp.bytes);
        const torn = cp.tornTail;
        if (snap.kind === 'fs' && torn) {
          if (trailing.length !== torn.bytes || sha256(trailing).toString('hex') !== torn.sha256) {
            return fail(parsed.nextSeq, 'trailing-data', 'bytes after the sealed records differ from the torn tail recorded at recovery');
          }
        } else if (trailing.length > 0) {
          return fail(parsed.nextSeq, 'trailing-data', `${trailing.length} bytes after the sealed records`);
        }
        if (sha256(covered).toString('hex') !== cp.sha256) {
          return fail(cp.firstSeq, 'content-hash-mismatch', 'segment bytes do not match the checkpoint SHA-256');
        }
        if (rootFromLeafHashes(parsed.records.map((r) => r.leafHash)).toString('hex') !== cp.merkleRoot) {
          return fail(cp.firstSeq, 'merkle-mismatch', 'Merkle root does not match the checkpoint');
        }
        if (parsed.chainHead.toString('hex') !== cp.chainHead) return fail(parsed.nextSeq - 1, 'chain-mismatch', 'chain head differs from the checkpoint');
        const first = parsed.records[0]?.line.offset ?? null;
        const last = parsed.records[parsed.records.length - 1]?.line.offset ?? null;
        if (first !== cp.firstOffset || last !== cp.lastOffset) return fail(cp.firstSeq, 'checkpoint-mismatch', 'offsets differ from the checkpoint');
        if (torn) gaps.push({ partition, segment: item.name, sequence: parsed.nextSeq, bytes: torn.bytes, kind: 'recovered-torn-tail' });
      }
      prevTorn = cp?.tornTail ? { name: item.name, bytes: cp.tornTail.bytes, sha256: cp.tornTail.sha256 } : null;
      records += parsed.records.length;
      seq = parsed.nextSeq;
      chain = parsed.chainHead;
      lastOffset = parsed.lastOffset;
      done += 1;
      onProgress?.(done, total);
    }
  }
  const segments = total;
  return { ok: true, partitions: snap.partitions.size, segments, records, gaps, warnings: snap.warnings };
}

/** The public key the verifier trusts: opts.publicKey, else the store's key (private PEM or exported .pub.pem). */
export async function trustedPublicKey(config: WormStoreConfig, publicKey?: KeyObject | string): Promise<KeyObject> {
  if (publicKey !== undefined) return resolvePublicKey(publicKey);
  const keyPath = config.signingKeyPath ?? path.join(config.kind === 'fs' ? config.dir : config.stagingDir, DEFAULT_KEY_FILE);
  try {
    return await resolvePublicKey(keyPath);
  } catch {
    return resolvePublicKey(keyPath.replace(/\.pem$/, '') + '.pub.pem');
  }
}

export async function snapshotStore(config: WormStoreConfig, client?: S3Client): Promise<StoreSnapshot> {
  return config.kind === 'fs' ? snapshotFs(config) : snapshotS3(config, client);
}

/** CLI entry point: verify a whole store. */
export async function verifyStore(
  config: WormStoreConfig,
  opts: VerifyOptions = {},
): Promise<VerifyResult> {
  const key = await trustedPublicKey(config, opts.publicKey);
  let snap: StoreSnapshot;
  try {
    snap = await snapshotStore(config, opts.client);
  } catch (e) {
    return failure(null, config.kind === 'fs' ? config.dir : `s3://${config.bucket}/${config.prefix}`, null, 'io-error', (e as Error).message);
  }
  return verifySnapshot(snap, key, opts.onProgress);
}
