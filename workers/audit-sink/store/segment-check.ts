/**
 * The checks of one segment, shared by the full verifier (verify.ts) and the incremental one
 * (incremental.ts): the checkpoint (signature with the trusted key, names this partition/segment/store,
 * continues firstSeq and prevChainHead from the chain position), then the content (every line, count,
 * byte length, SHA-256, Merkle root, chain head, offsets, the bytes after the covered part).
 */
import { canonicalJson } from './canonical';
import { verifyCheckpointSignature, type TrustedKeys } from './checkpoint';
import { rootFromLeafHashes, sha256 } from './merkle';
import { parseSegment } from './segment-parse';
import type { Checkpoint, GapReport, ProblemKind, SignedCheckpoint, VerifyResult } from './types';

export type VerifyFailure = Extract<VerifyResult, { ok: false }>;

export function failure(partition: number | null, segment: string, sequence: number | null, kind: ProblemKind, reason: string): VerifyFailure {
  return { ok: false, partition, segment, sequence, kind, reason };
}

/** Where a partition's chain stands after the segments verified so far. */
export interface ChainPosition {
  seq: number;
  chain: Buffer;
  lastOffset: bigint | null;
  /** the torn tail recorded by the previous segment's checkpoint (a gap line must match it) */
  prevTorn: { name: string; bytes: number; sha256: string } | null;
}

export interface SegmentRef {
  kind: 'fs' | 's3';
  partition: number;
  /** `p<N>/<file>.seg` */
  name: string;
}

/** Checkpoint-level checks, before the segment is read. Returns the (first) checkpoint, or a failure. */
export function checkCheckpoints(ref: SegmentRef, cps: SignedCheckpoint[], pos: ChainPosition, publicKey: TrustedKeys): VerifyFailure | Checkpoint | null {
  const fail = (sequence: number | null, kind: ProblemKind, reason: string) => failure(ref.partition, ref.name, sequence, kind, reason);
  const sc = cps[0];
  if (!sc) return null;
  for (const other of cps) {
    if (!verifyCheckpointSignature(other, publicKey)) {
      return fail(other.checkpoint.firstSeq, 'bad-signature', 'checkpoint signature does not verify with the trusted public key');
    }
  }
  const essence = (c: Checkpoint) => canonicalJson({ ...c, sealedAt: '', prevLine: '' });
  if (cps.some((o) => essence(o.checkpoint) !== essence(sc.checkpoint))) {
    return fail(sc.checkpoint.firstSeq, 'checkpoint-mismatch', 'several different checkpoints for one segment');
  }
  const cp = sc.checkpoint;
  if (cp.partition !== ref.partition || cp.segment !== ref.name || cp.store !== ref.kind) {
    return fail(cp.firstSeq, 'checkpoint-mismatch', `checkpoint names ${cp.store}:${cp.segment} in partition ${cp.partition}`);
  }
  if (cp.firstSeq > pos.seq) return fail(pos.seq, 'missing-segment', `records ${pos.seq}..${cp.firstSeq - 1} are missing before this segment`);
  if (cp.firstSeq < pos.seq) return fail(pos.seq, 'sequence-mismatch', `checkpoint starts at seq ${cp.firstSeq}, expected ${pos.seq}`);
  if (cp.prevChainHead !== pos.chain.toString('hex')) {
    return fail(pos.seq, 'chain-mismatch', 'checkpoint does not continue the chain of the previous segment');
  }
  return cp;
}

export interface SegmentOk {
  ok: true;
  next: ChainPosition;
  records: number;
  gap: GapReport | null;
}

/**
 * Content checks. `cp` undefined = the open (unsealed, last) segment: chain only, a torn tail is a gap.
 * `seen` (optional) collects eventIds across segments for the duplicate check.
 */
export function checkSegmentData(
  ref: SegmentRef,
  cp: Checkpoint | undefined,
  data: Buffer,
  pos: ChainPosition,
  seen?: Set<string>,
  /** asks for the chain hash after record `seq`, if this segment holds it */
  probe?: { seq: number; chainHash?: string },
): VerifyFailure | SegmentOk {
  const { partition, name } = ref;
  const fail = (sequence: number | null, kind: ProblemKind, reason: string) => failure(partition, name, sequence, kind, reason);
  const covered = cp ? data.subarray(0, Math.min(cp.bytes, data.length)) : data;
  const parsed = parseSegment(covered, {
    partition,
    firstSeq: pos.seq,
    prevChainHead: pos.chain,
    lastOffset: pos.lastOffset,
    seenEventIds: seen,
    allowGapLine: ref.kind === 'fs',
  });
  if (parsed.gap) {
    const g = parsed.gap;
    const t = pos.prevTorn;
    if (!t || g.previousSegment !== t.name || g.tornBytes !== t.bytes || g.tornSha256 !== t.sha256) {
      return fail(pos.seq, 'unexplained-gap', 'gap marker does not match the torn tail recorded by the previous checkpoint');
    }
  }
  let gap: GapReport | null = null;
  if (!cp) {
    if (parsed.problem) {
      if (parsed.problem.kind !== 'torn-tail') return fail(parsed.problem.sequence, parsed.problem.kind, parsed.problem.reason);
      gap = { partition, segment: name, sequence: parsed.nextSeq, bytes: data.length - parsed.validBytes, kind: 'open-torn-tail' };
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
    const trailing = checkTrailing(ref, cp, data, parsed.nextSeq);
    if (trailing) return trailing;
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
    if (cp.tornTail) gap = { partition, segment: name, sequence: parsed.nextSeq, bytes: cp.tornTail.bytes, kind: 'recovered-torn-tail' };
  }
  if (probe && probe.seq >= pos.seq && probe.seq < parsed.nextSeq) probe.chainHash = parsed.records[probe.seq - pos.seq]?.line.chainHash;
  const prevTorn = cp?.tornTail ? { name, bytes: cp.tornTail.bytes, sha256: cp.tornTail.sha256 } : null;
  return {
    ok: true,
    next: { seq: parsed.nextSeq, chain: parsed.chainHead, lastOffset: parsed.lastOffset, prevTorn },
    records: parsed.records.length,
    gap,
  };
}

/** Bytes after the covered part: exactly the recorded torn tail (fs) or nothing. */
export function checkTrailing(ref: SegmentRef, cp: Checkpoint, data: Buffer, nextSeq: number): VerifyFailure | null {
  const trailing = data.subarray(cp.bytes);
  const torn = cp.tornTail;
  if (ref.kind === 'fs' && torn) {
    if (trailing.length !== torn.bytes || sha256(trailing).toString('hex') !== torn.sha256) {
      return failure(ref.partition, ref.name, nextSeq, 'trailing-data', 'bytes after the sealed records differ from the torn tail recorded at recovery');
    }
  } else if (trailing.length > 0) {
    return failure(ref.partition, ref.name, nextSeq, 'trailing-data', `${trailing.length} bytes after the sealed records`);
  }
  return null;
}
