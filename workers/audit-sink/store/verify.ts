/**
 * Full verifier for both stores (`stateset audit verify`). Walks every partition's segments in order
 * and checks, per segment (segment-check.ts):
 *  - sealed segments: checkpoint signature (trusted public key), partition/segment/firstSeq/prevChainHead
 *    continuity, every line (canonical JSON, seq contiguity, partition, offset order, unique eventId,
 *    chain hash), record count, chain head, RFC 6962 Merkle root, byte length and SHA-256 of the covered
 *    bytes, and that bytes after the covered part are exactly the recorded torn tail (fs) / absent (s3);
 *  - the open (unsealed, last) fs segment: chain only;
 *  - s3: ListObjectVersions — a delete marker or more than one version on any key is tampering;
 *    every object must carry Object Lock COMPLIANCE (snapshot-s3.ts).
 * Returns the FIRST problem (partition order, then segment order, then sequence order).
 * The sink's periodic verification is incremental instead (incremental.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { KeyObject } from 'node:crypto';
import * as path from 'node:path';
import { GENESIS_HASH } from './chain';
import { DEFAULT_KEY_FILE, resolvePublicKey, resolveTrustedKeys, type TrustedKeys } from './checkpoint';
import { checkCheckpoints, checkSegmentData, failure, type ChainPosition, type SegmentOk, type VerifyFailure } from './segment-check';
import { snapshotFs } from './snapshot-fs';
import { verifyHeadSignature, type SignedHead } from './signed-head';
import { snapshotS3 } from './snapshot-s3';
import type { SegmentItem, StoreSnapshot } from './snapshot-types';
import type { GapReport, PartitionHead, VerifyResult, WormStoreConfig } from './types';

export { failure, type VerifyFailure } from './segment-check';
export { snapshotFs } from './snapshot-fs';
export { listVersions, snapshotS3 } from './snapshot-s3';
export type { SegmentItem, StoreSnapshot } from './snapshot-types';

export interface VerifyOptions {
  /** Trusted checkpoint public key (KeyObject, PEM text or PEM path). Default: derived from the store's key files — pin it for an independent audit. */
  publicKey?: KeyObject | string | readonly string[];
  onProgress?(done: number, total: number): void;
  /** s3 only: an S3 client to use instead of one built from the config */
  client?: S3Client;
}

/** Verifies one segment item at the chain position; returns the next position or the failure. */
async function verifyItem(
  kind: 'fs' | 's3',
  partition: number,
  item: SegmentItem,
  isLast: boolean,
  pos: ChainPosition,
  seen: Set<string>,
  publicKey: TrustedKeys,
  probe?: { seq: number; chainHash?: string },
): Promise<VerifyFailure | SegmentOk> {
  const ref = { kind, partition, name: item.name };
  const cpOrFail = checkCheckpoints(ref, item.checkpoints, pos, publicKey);
  if (cpOrFail && 'ok' in cpOrFail) return cpOrFail;
  const cp = cpOrFail ?? undefined;
  const extra = item.check ? await item.check() : null;
  if (extra) return extra;
  const data = await item.load();
  if (data === null) return failure(partition, item.name, cp ? cp.firstSeq : pos.seq, 'missing-segment', 'segment is missing but its checkpoint exists');
  if (!cp) {
    if (!isLast || kind === 's3') return failure(partition, item.name, pos.seq, 'missing-checkpoint', 'sealed segment has no checkpoint');
    if (await item.sealedHint()) return failure(partition, item.name, pos.seq, 'missing-checkpoint', 'segment is read-only (sealed) but has no checkpoint');
  }
  return checkSegmentData(ref, cp, data, pos, seen, probe);
}

/**
 * The newest signed head of a partition against its verified chain: the store must still hold every
 * record the head covers, and the record at the head's last position must be the one it signed.
 */
function checkHead(partition: number, sh: SignedHead, publicKey: TrustedKeys, pos: ChainPosition, probe: { chainHash?: string }): VerifyFailure | null {
  const { head } = sh;
  const where = `p${partition}`;
  if (!verifyHeadSignature(sh, publicKey))
    return failure(partition, where, head.records - 1, 'bad-signature', `the signed head of ${head.at} does not verify with the trusted public key`);
  if (pos.seq < head.records) {
    return failure(
      partition,
      where,
      pos.seq,
      'behind-head',
      `the signed head of ${head.at} covers ${head.records} records; the store holds ${pos.seq} (records removed from the tail)`,
    );
  }
  if (probe.chainHash !== head.chainHead) {
    return failure(
      partition,
      where,
      head.records - 1,
      'head-mismatch',
      `record ${head.records - 1} is not the one the signed head of ${head.at} covers (rewritten)`,
    );
  }
  return null;
}

/** Verifies a snapshot (see the module comment for what is checked). */
export async function verifySnapshot(snap: StoreSnapshot, publicKey: TrustedKeys, onProgress?: (done: number, total: number) => void): Promise<VerifyResult> {
  if (snap.failure) return snap.failure;
  if (snap.heads?.broken) return failure(null, 'heads.jsonl', null, 'head-log-broken', snap.heads.broken.reason);
  // A partition with a signed head but no segment left at all was removed whole.
  for (const [partition, sh] of snap.heads?.latest ?? []) {
    if (!snap.partitions.has(partition)) {
      return failure(
        partition,
        `p${partition}`,
        0,
        'behind-head',
        `the signed head of ${sh.head.at} covers ${sh.head.records} records of partition ${partition}; the store holds none`,
      );
    }
  }
  const total = [...snap.partitions.values()].reduce((n, items) => n + items.length, 0);
  let done = 0;
  let records = 0;
  const gaps: GapReport[] = [];
  const heads: PartitionHead[] = [];
  onProgress?.(0, total);
  for (const partition of [...snap.partitions.keys()].sort((a, b) => a - b)) {
    const items = snap.partitions.get(partition) as SegmentItem[];
    let pos: ChainPosition = { seq: 0, chain: GENESIS_HASH, lastOffset: null, prevTorn: null };
    const seen = new Set<string>();
    const head = snap.heads?.latest.get(partition);
    const probe: { seq: number; chainHash?: string } | undefined = head ? { seq: head.head.records - 1 } : undefined;
    for (let i = 0; i < items.length; i += 1) {
      const res = await verifyItem(snap.kind, partition, items[i] as SegmentItem, i === items.length - 1, pos, seen, publicKey, probe);
      if (!res.ok) return res;
      if (res.gap) gaps.push(res.gap);
      records += res.records;
      pos = res.next;
      done += 1;
      onProgress?.(done, total);
    }
    if (head && probe) {
      const bad = checkHead(partition, head, publicKey, pos, probe);
      if (bad) return bad;
    }
    heads.push({ partition, records: pos.seq, lastOffset: pos.lastOffset === null ? null : pos.lastOffset.toString() });
  }
  // Checked last, so that a forged or removed checkpoint is still named by what it breaks first.
  if (snap.checkpointChainBreak) return failure(null, 'checkpoints.jsonl', null, 'checkpoint-log-broken', snap.checkpointChainBreak.reason);
  return { ok: true, partitions: snap.partitions.size, segments: total, records, gaps, warnings: snap.warnings, heads };
}

/**
 * The keys the verifier trusts: opts.publicKey (one or several pinned keys), else the store's own key
 * (private PEM or exported .pub.pem) plus the public keys of earlier signing keys the configuration
 * names (AUDIT_SIGNING_PREVIOUS_PUBLIC_KEYS): after a rotation, old checkpoints stay verifiable.
 */
export async function trustedPublicKey(config: WormStoreConfig, publicKey?: KeyObject | string | readonly string[]): Promise<TrustedKeys> {
  if (publicKey !== undefined) return resolveTrustedKeys(publicKey);
  return resolveTrustedKeys([await ownPublicKey(config), ...(config.previousPublicKeyPaths ?? [])]);
}

/** The public key of the store's current signing key. */
export async function ownPublicKey(config: WormStoreConfig): Promise<KeyObject> {
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

export function storeLocation(config: WormStoreConfig): string {
  return config.kind === 'fs' ? config.dir : `s3://${config.bucket}/${config.prefix}`;
}

/** CLI entry point: verify a whole store. */
export async function verifyStore(config: WormStoreConfig, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const key = await trustedPublicKey(config, opts.publicKey);
  let snap: StoreSnapshot;
  try {
    snap = await snapshotStore(config, opts.client);
  } catch (e) {
    return failure(null, storeLocation(config), null, 'io-error', (e as Error).message);
  }
  return verifySnapshot(snap, key, opts.onProgress);
}
