/**
 * The open segment of a partition: an O_APPEND file plus what its checkpoint will state (count,
 * offsets, chain head, Merkle leaves, running SHA-256), kept while writing so that sealing does not
 * re-parse the file: it reads the bytes back and compares them with what was written.
 */
import { createHash, type Hash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { canonicalRecordText } from './canonical';
import { GENESIS_HASH, chainHashOfText, encodeGapLine, recordLineOfText, type GapMarker } from './chain';
import type { SegmentSummary } from './checkpoint';
import { writeFully } from './files';
import { hashLeaf, sha256 } from './merkle';
import type { ParsedSegment } from './segment-parse';
import type { AuditEntry } from './types';

export interface OpenSegment {
  name: string;
  path: string;
  fh: FileHandle;
  firstSeq: number;
  prevChainHead: Buffer;
  /** chain hash after its last record (prevChainHead while empty) */
  chainHead: Buffer;
  count: number;
  openedAt: number;
  /** bytes in the file */
  bytes: number;
  /** SHA-256 over every byte of the file so far */
  hash: Hash;
  leafHashes: Buffer[];
  firstOffset: string | null;
  lastOffset: string | null;
  /** written since the last fsync */
  dirty: boolean;
}

export interface PartitionState {
  partition: number;
  /** seq of the next record */
  nextSeq: number;
  /** chain hash after the last stored record */
  chainHead: Buffer;
  lastOffset: bigint | null;
  open: OpenSegment | null;
  /** name of the last segment file created in this partition (to avoid name reuse) */
  lastName: string | null;
  /** gap to record at the start of the next segment (crash recovery) */
  pendingGap: GapMarker | null;
}

export interface SegmentToSeal {
  partition: number;
  name: string;
  path: string;
  firstSeq: number;
  prevChainHead: Buffer;
}

export function newPartitionState(partition: number): PartitionState {
  return { partition, nextSeq: 0, chainHead: GENESIS_HASH, lastOffset: null, open: null, lastName: null, pendingGap: null };
}

/** A new, empty open segment (the file was just created with O_EXCL). */
export function newOpenSegment(state: PartitionState, name: string, file: string, fh: FileHandle): OpenSegment {
  return {
    name,
    path: file,
    fh,
    firstSeq: state.nextSeq,
    prevChainHead: state.chainHead,
    chainHead: state.chainHead,
    count: 0,
    openedAt: Date.now(),
    bytes: 0,
    hash: createHash('sha256'),
    leafHashes: [],
    firstOffset: null,
    lastOffset: null,
    dirty: false,
  };
}

/** Re-opens the last, valid, unsealed segment found at start-up (its content was parsed and checked). */
export async function reopenSegment(state: PartitionState, name: string, file: string, data: Buffer, parsed: ParsedSegment): Promise<OpenSegment> {
  const fh = await fsp.open(file, 'a', 0o640);
  const stat = await fh.stat();
  const birth = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.ctimeMs;
  const open = newOpenSegment(state, name, file, fh);
  open.count = parsed.records.length;
  open.chainHead = parsed.chainHead;
  open.openedAt = parsed.records.length > 0 ? birth : Date.now();
  open.bytes = data.length;
  open.hash.update(data);
  open.leafHashes = parsed.records.map((r) => r.leafHash);
  open.firstOffset = parsed.records[0]?.line.offset ?? null;
  open.lastOffset = parsed.records[parsed.records.length - 1]?.line.offset ?? null;
  return open;
}

/**
 * Appends the lines of `entries` (normalised records, fresh offsets in order) to the open segment,
 * without fsync (the caller syncs every touched file once per batch), and advances the partition.
 */
export async function writeEntries(state: PartitionState, open: OpenSegment, entries: AuditEntry[], gapLines: boolean): Promise<void> {
  let text = '';
  if (open.count === 0 && open.bytes === 0 && state.pendingGap && gapLines) text += encodeGapLine(state.pendingGap);
  let seq = state.nextSeq;
  let head = state.chainHead;
  for (const e of entries) {
    const recordText = canonicalRecordText(e.record);
    head = chainHashOfText(head, recordText, seq, e.offset);
    const line = recordLineOfText(head.toString('hex'), e.offset, state.partition, recordText, seq);
    open.leafHashes.push(hashLeaf(line));
    text += `${line}\n`;
    seq += 1;
  }
  const buf = Buffer.from(text, 'utf8');
  await writeFully(open.fh, buf);
  open.hash.update(buf);
  open.bytes += buf.length;
  open.dirty = true;
  if (open.count === 0) open.openedAt = Date.now();
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (open.firstOffset === null && first) open.firstOffset = first.offset;
  if (last) {
    open.lastOffset = last.offset;
    state.lastOffset = BigInt(last.offset);
  }
  open.count += entries.length;
  state.pendingGap = null;
  open.chainHead = head;
  state.nextSeq = seq;
  state.chainHead = head;
}

/**
 * Closes the open segment for sealing: fsync (if written since), close, read the bytes back and
 * check them against what was written. Returns the covered bytes and the checkpoint's summary.
 */
export async function finishSegment(
  state: PartitionState,
  open: OpenSegment,
): Promise<{ seg: SegmentToSeal; data: Buffer; summary: SegmentSummary; sha256: string }> {
  if (open.dirty) await open.fh.sync();
  open.dirty = false;
  await open.fh.close();
  const data = await fsp.readFile(open.path);
  const digest = open.hash.digest('hex');
  if (data.length !== open.bytes || sha256(data).toString('hex') !== digest) {
    throw new Error(`cannot seal ${open.path}: its bytes on disk differ from what was written (${data.length} of ${open.bytes} bytes)`);
  }
  const seg: SegmentToSeal = {
    partition: state.partition,
    name: open.name,
    path: open.path,
    firstSeq: open.firstSeq,
    prevChainHead: open.prevChainHead,
  };
  return {
    seg,
    data,
    sha256: digest,
    summary: {
      count: open.count,
      firstOffset: open.firstOffset,
      lastOffset: open.lastOffset,
      chainHead: open.chainHead,
      leafHashes: open.leafHashes,
    },
  };
}
