/**
 * `s3` WORM store. The open segment of each partition is buffered in a local staging file
 * (`<stagingDir>/p<N>/<firstSeq>.seg`, same format as the fs store, fsync'd per batch so `append` is
 * durable before Kafka offsets are committed). On seal, one object per segment is written:
 *   <prefix>p<N>/<firstOffset 20d>-<lastOffset 20d>.seg            the segment bytes
 *   <prefix>checkpoints/p<N>/<firstOffset 20d>-<lastOffset 20d>.json the signed checkpoint
 * both with ObjectLockMode COMPLIANCE, ObjectLockRetainUntilDate = seal time + retentionDays and an
 * x-amz-checksum-sha256 (ChecksumAlgorithm SHA256). Keys depend only on partition and offsets, so a
 * retried upload targets the same key; an existing object with the same content is not written again
 * (a second PUT would create a second version, which the verifier reports as tampering).
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from './canonical';
import { buildCheckpoint, encodeSignedCheckpoint, parseSignedCheckpoint, resolveTrustedKeys, signCheckpoint, verifyCheckpointSignature } from './checkpoint';
import { collectEventIds, fsyncDir, listPartitionDirs, listSegmentFiles, padNumber } from './files';
import { sha256 } from './merkle';
import { SegmentStoreBase, type SealItem } from './segment-base';
import type { S3WormStoreConfig, SignedCheckpoint } from './types';

export const SEGMENT_KEY_RE = /^p(0|[1-9]\d*)\/(\d{20})-(\d{20})\.seg$/;
export const CHECKPOINT_KEY_RE = /^checkpoints\/p(0|[1-9]\d*)\/(\d{20})-(\d{20})\.json$/;

export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** Segment name relative to the prefix (also the `segment` of its checkpoint). */
export function segmentName(partition: number, firstOffset: string, lastOffset: string): string {
  return `p${partition}/${padNumber(firstOffset)}-${padNumber(lastOffset)}.seg`;
}

export function checkpointName(partition: number, firstOffset: string, lastOffset: string): string {
  return `checkpoints/p${partition}/${padNumber(firstOffset)}-${padNumber(lastOffset)}.json`;
}

export function checkpointNameForSegment(segment: string): string {
  return `checkpoints/${segment.replace(/\.seg$/, '.json')}`;
}

export function createS3Client(config: Pick<S3WormStoreConfig, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey'>): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    forcePathStyle: true,
  });
}

export function errorName(e: unknown): string {
  if (e instanceof S3ServiceException) return e.name;
  if (typeof e === 'object' && e !== null) {
    const o = e as { name?: unknown; Code?: unknown };
    if (typeof o.Code === 'string') return o.Code;
    if (typeof o.name === 'string') return o.name;
  }
  return 'Error';
}

function isNotFound(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || ['NotFound', 'NoSuchKey'].includes(errorName(e));
}

export async function getObjectBytes(client: S3Client, bucket: string, key: string, versionId?: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  if (!res.Body) return Buffer.alloc(0);
  return Buffer.from(await res.Body.transformToByteArray());
}

export async function listAllKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Writes a locked object unless one already exists at the key. Returns 'written', or 'exists' with the
 * existing object's SHA-256 (hex, from its metadata) so the caller can decide whether it is the same.
 */
export async function putLockedObject(
  client: S3Client,
  args: { bucket: string; key: string; body: Buffer; retainUntil: Date; contentType: string },
): Promise<{ result: 'written' } | { result: 'exists'; sha256: string | null }> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: args.bucket, Key: args.key }));
    return { result: 'exists', sha256: head.Metadata?.sha256 ?? null };
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const digest = sha256(args.body);
  await client.send(
    new PutObjectCommand({
      Bucket: args.bucket,
      Key: args.key,
      Body: args.body,
      ContentLength: args.body.length,
      ContentType: args.contentType,
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: digest.toString('base64'),
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: args.retainUntil,
      Metadata: { sha256: digest.toString('hex') },
    }),
  );
  return { result: 'written' };
}

export class S3WormStore extends SegmentStoreBase {
  readonly client: S3Client;
  private readonly prefix: string;
  private readonly existingSegments = new Set<string>();

  constructor(private readonly config: S3WormStoreConfig) {
    super(config.stagingDir, config.stagingDir, config.signingKeyPath, config.maxSegmentRecords, config.maxSegmentAgeMs, false);
    if (!Number.isFinite(config.retentionDays) || config.retentionDays <= 0) throw new RangeError('retentionDays must be > 0');
    this.client = createS3Client(config);
    this.prefix = normalizePrefix(config.prefix);
  }

  protected async loadSealedState(): Promise<Map<number, string[]>> {
    const { bucket } = this.config;
    const latest = new Map<number, SignedCheckpoint>();
    // Checkpoints of earlier signing keys too: a rotation must not stop the sink on its own history.
    const trusted = await resolveTrustedKeys([this.signingKeys.publicKey, ...(this.config.previousPublicKeyPaths ?? [])]);
    for (const key of await listAllKeys(this.client, bucket, `${this.prefix}checkpoints/`)) {
      const rel = key.slice(this.prefix.length);
      if (!CHECKPOINT_KEY_RE.test(rel)) continue;
      const body = await getObjectBytes(this.client, bucket, key);
      const sc = parseSignedCheckpoint(JSON.parse(body.toString('utf8')) as unknown);
      if (!sc || !verifyCheckpointSignature(sc, trusted)) {
        throw new Error(`checkpoint s3://${bucket}/${key} is malformed or not signed by the configured key or a previous one; refusing to write`);
      }
      const cur = latest.get(sc.checkpoint.partition);
      if (!cur || sc.checkpoint.firstSeq > cur.checkpoint.firstSeq) latest.set(sc.checkpoint.partition, sc);
    }
    for (const [partition, sc] of latest) {
      const state = this.partitionState(partition);
      state.nextSeq = sc.checkpoint.firstSeq + sc.checkpoint.count;
      state.chainHead = Buffer.from(sc.checkpoint.chainHead, 'hex');
      state.lastOffset = sc.checkpoint.lastOffset === null ? null : BigInt(sc.checkpoint.lastOffset);
    }
    // eventId dedupe index: rebuilt from the sealed objects (see README, limits).
    for (const key of await listAllKeys(this.client, bucket, this.prefix)) {
      if (!SEGMENT_KEY_RE.test(key.slice(this.prefix.length))) continue;
      this.existingSegments.add(key.slice(this.prefix.length));
      collectEventIds(await getObjectBytes(this.client, bucket, key), this.eventIds);
    }
    const pending = new Map<number, string[]>();
    for (const partition of await listPartitionDirs(this.config.stagingDir)) {
      this.partitionState(partition);
      const files = await listSegmentFiles(path.join(this.config.stagingDir, `p${partition}`));
      if (files.length > 0) pending.set(partition, files);
    }
    return pending;
  }

  protected override mustSealOnRecovery({ seg, summary }: SealItem): boolean {
    const { firstOffset, lastOffset } = summary;
    return firstOffset !== null && lastOffset !== null && this.existingSegments.has(segmentName(seg.partition, firstOffset, lastOffset));
  }

  protected async sealSegments(items: SealItem[], now: Date): Promise<string[]> {
    const names: string[] = [];
    for (const item of items) names.push(await this.sealOne(item, now));
    return names;
  }

  private async sealOne({ seg, data, sha256: digest, summary, tornTail }: SealItem, now: Date): Promise<string> {
    const { firstOffset, lastOffset } = summary;
    if (firstOffset === null || lastOffset === null) throw new Error('cannot upload an empty segment');
    const segment = segmentName(seg.partition, firstOffset, lastOffset);
    const cp = buildCheckpoint({
      store: 's3',
      partition: seg.partition,
      segment,
      firstSeq: seg.firstSeq,
      prevChainHead: seg.prevChainHead,
      summary,
      bytes: data.length,
      sha256: digest,
      tornTail,
      sealedAt: now,
    });
    const retainUntil = new Date(now.getTime() + this.config.retentionDays * 86_400_000);
    const segKey = `${this.prefix}${segment}`;
    const put = await putLockedObject(this.client, {
      bucket: this.config.bucket,
      key: segKey,
      body: data,
      retainUntil,
      contentType: 'application/x-ndjson',
    });
    if (put.result === 'exists' && put.sha256 !== cp.sha256) {
      throw new Error(`s3://${this.config.bucket}/${segKey} already exists with different content`);
    }
    const cpKey = `${this.prefix}${checkpointNameForSegment(segment)}`;
    const signed = signCheckpoint(cp, this.signingKeys);
    const cpPut = await putLockedObject(this.client, {
      bucket: this.config.bucket,
      key: cpKey,
      body: Buffer.from(`${encodeSignedCheckpoint(signed)}\n`, 'utf8'),
      retainUntil,
      contentType: 'application/json',
    });
    if (cpPut.result === 'exists') {
      // Retried seal: accept the stored checkpoint when it states the same segment content.
      const existing = parseSignedCheckpoint(JSON.parse((await getObjectBytes(this.client, this.config.bucket, cpKey)).toString('utf8')) as unknown);
      const same = existing !== null && canonicalJson({ ...existing.checkpoint, sealedAt: '' }) === canonicalJson({ ...cp, sealedAt: '' });
      if (!same) throw new Error(`s3://${this.config.bucket}/${cpKey} already exists with a different checkpoint`);
    }
    await fsp.unlink(seg.path);
    await fsyncDir(path.dirname(seg.path));
    return segment;
  }

  protected async discardSealedLocalFile(_partition: number, file: string): Promise<void> {
    // Uploaded and checkpointed before a crash prevented the staging file's removal.
    await fsp.unlink(file);
    await fsyncDir(path.dirname(file));
  }

  protected async handleEmptyTornFile({ seg }: SealItem): Promise<void> {
    // Nothing acknowledged is in it; keep the bytes aside for inspection, upload nothing.
    const aside = path.join(this.config.stagingDir, 'torn');
    await fsp.mkdir(aside, { recursive: true, mode: 0o750 });
    await fsp.rename(seg.path, path.join(aside, `p${seg.partition}-${seg.name}.${Date.now()}`));
    await fsyncDir(path.dirname(seg.path));
  }
}
