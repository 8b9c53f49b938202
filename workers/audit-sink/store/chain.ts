/**
 * Per-partition hash chain and the segment line format shared by the fs and s3 stores and the verifier.
 *
 * Chain (one per Kafka partition, continuing across segments):
 *   h_0   = GENESIS_HASH (32 zero bytes)
 *   h_i   = SHA-256( h_{i-1} || canonical(record_i) || u64be(seq_i) || u64be(offset_i) )
 * seq starts at 0 in every partition and increases by one per stored record. The Kafka offset is
 * chained too (an extension of the brief's formula) because committedOffset() and re-delivery dedupe
 * are driven by it: a changed offset must break the chain even in an unsealed segment.
 *
 * Segment file = UTF-8 lines, each the canonical JSON of one object followed by "\n":
 *   record line: {"chainHash":hex,"offset":"<int64>","partition":n,"record":{...},"seq":n}
 *   gap line   : {"gap":{"detectedAt":...,"nextSeq":n,"previousSegment":"p0/...seg","tornBytes":n,"tornSha256":hex}}
 * A gap line may only be the first line of a segment (written by crash recovery, fs store only).
 * The Merkle leaf of a record is the line without its newline.
 * parseSegment (the checking reader) is in segment-parse.ts.
 */
import { canonicalJson, normalizeRecord } from './canonical';
import { sha256 } from './merkle';
import type { AuditRecord } from './types';

export const GENESIS_HASH: Buffer = Buffer.alloc(32, 0);

const OFFSET_RE = /^(0|[1-9][0-9]{0,18})$/;

export function u64be(value: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}

export function isOffset(value: unknown): value is string {
  return typeof value === 'string' && OFFSET_RE.test(value) && BigInt(value) <= 0x7fffffffffffffffn;
}

export function chainHash(prev: Buffer, record: AuditRecord, seq: number, offset: string): Buffer {
  return chainHashOfText(prev, canonicalJson(normalizeRecord(record)), seq, offset);
}

/** chainHash with the record already in canonical text (canonicalRecordText of a normalised record). */
export function chainHashOfText(prev: Buffer, recordText: string, seq: number, offset: string): Buffer {
  if (prev.length !== 32) throw new RangeError('previous chain hash must be 32 bytes');
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
  if (!isOffset(offset)) throw new RangeError(`bad offset ${offset}`);
  const tail = Buffer.allocUnsafe(16);
  tail.writeBigUInt64BE(BigInt(seq), 0);
  tail.writeBigUInt64BE(BigInt(offset), 8);
  return sha256(prev, recordText, tail);
}

export interface RecordLine {
  chainHash: string;
  offset: string;
  partition: number;
  record: AuditRecord;
  seq: number;
}

export interface GapMarker {
  detectedAt: string;
  nextSeq: number;
  previousSegment: string;
  tornBytes: number;
  tornSha256: string;
}

/** Canonical line text without the newline (the Merkle leaf data). */
export function recordLineText(line: RecordLine): string {
  return canonicalJson({ ...line, record: normalizeRecord(line.record) });
}

export function encodeRecordLine(line: RecordLine): string {
  return `${recordLineText(line)}\n`;
}

export function encodeGapLine(gap: GapMarker): string {
  return `${canonicalJson({ gap })}\n`;
}

/**
 * The canonical record line (without newline) from the record's canonical text: the keys of a record
 * line sort as chainHash, offset, partition, record, seq, and hex/decimal strings need no escaping.
 * Equal to recordLineText for a normalised record; checked by the unit tests.
 */
export function recordLineOfText(chainHashHex: string, offset: string, partition: number, recordText: string, seq: number): string {
  return `{"chainHash":"${chainHashHex}","offset":"${offset}","partition":${partition},"record":${recordText},"seq":${seq}}`;
}
