/**
 * The checking reader of segment files (format in chain.ts): every line canonical, seq contiguous,
 * partition right, offsets strictly increasing, eventIds unique, chain hashes right. Used by the
 * stores' crash recovery and by the verifier; stops at the first problem.
 */
import { isUtf8 } from 'node:buffer';
import { canonicalJson, canonicalRecordText, normalizeRecord } from './canonical';
import { chainHashOfText, isOffset, recordLineOfText, type GapMarker, type RecordLine } from './chain';
import { hashLeaf } from './merkle';
import type { AuditRecord, ProblemKind } from './types';

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_KEY = ',"record":';
const SEQ_KEY = ',"seq":';

export interface ParseContext {
  partition: number;
  firstSeq: number;
  prevChainHead: Buffer;
  /** highest offset stored before this segment in the partition */
  lastOffset: bigint | null;
  /** eventIds seen so far; record eventIds are added to it as they are accepted */
  seenEventIds?: Set<string>;
  allowGapLine?: boolean;
}

export interface ParsedRecord {
  line: RecordLine;
  /** line text without newline */
  raw: string;
  start: number;
  end: number;
  leafHash: Buffer;
}

export interface SegmentProblem {
  kind: ProblemKind;
  /** the sequence number expected at the position of the bad line */
  sequence: number;
  reason: string;
  atByte: number;
  /** true when everything from atByte to the end looks like a crash artifact (torn / garbage, no valid line after) */
  recoverable: boolean;
}

export interface ParsedSegment {
  records: ParsedRecord[];
  gap: GapMarker | null;
  /** bytes from the start covered by complete, valid lines */
  validBytes: number;
  nextSeq: number;
  chainHead: Buffer;
  lastOffset: bigint | null;
  problem: SegmentProblem | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasExactKeys(o: Record<string, unknown>, keys: string[]): boolean {
  const k = Object.keys(o).sort();
  const want = [...keys].sort();
  return k.length === want.length && k.every((x, i) => x === want[i]);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function parseGapMarker(v: unknown): GapMarker | null {
  if (!isPlainObject(v) || !hasExactKeys(v, ['gap'])) return null;
  const g = v.gap;
  return isGapMarker(g) ? g : null;
}

function isGapMarker(g: unknown): g is GapMarker {
  return (
    isPlainObject(g) &&
    hasExactKeys(g, ['detectedAt', 'nextSeq', 'previousSegment', 'tornBytes', 'tornSha256']) &&
    typeof g.detectedAt === 'string' &&
    Number.isSafeInteger(g.nextSeq) &&
    typeof g.previousSegment === 'string' &&
    Number.isSafeInteger(g.tornBytes) &&
    typeof g.tornSha256 === 'string' &&
    HEX64.test(g.tornSha256)
  );
}

/**
 * Parses and checks a segment: every line canonical, seq contiguous from ctx.firstSeq, partition,
 * strictly increasing offsets, unique eventIds, chain hashes. Stops at the first problem.
 */
export function parseSegment(buf: Buffer, ctx: ParseContext): ParsedSegment {
  const records: ParsedRecord[] = [];
  let gap: GapMarker | null = null;
  let seq = ctx.firstSeq;
  let prev = ctx.prevChainHead;
  let lastOffset = ctx.lastOffset;
  let pos = 0;
  let lineNo = 0;
  const result = (problem: SegmentProblem | null): ParsedSegment => ({
    records,
    gap,
    validBytes: pos,
    nextSeq: seq,
    chainHead: prev,
    lastOffset,
    problem,
  });
  const fail = (kind: ProblemKind, reason: string, recoverable = false): ParsedSegment => result({ kind, sequence: seq, reason, atByte: pos, recoverable });

  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      return fail('torn-tail', `incomplete last line (${buf.length - pos} bytes without newline)`, true);
    }
    const bytes = buf.subarray(pos, nl);
    const parsed = isUtf8(bytes) ? tryJson(bytes.toString('utf8')) : undefined;
    if (parsed === undefined) {
      return fail('malformed-line', `line ${lineNo} is not valid UTF-8 JSON`, restIsGarbage(buf, nl + 1));
    }
    const raw = bytes.toString('utf8');
    if (!isPlainObject(parsed)) return fail('malformed-line', `line ${lineNo} is not a JSON object`);
    // Fast path: a well-formed record line equals its canonical re-encoding; anything else takes the
    // checks below, which name the problem.
    let line = quickRecordLine(parsed, raw);
    if (!line) {
      let canonical: string;
      try {
        canonical = canonicalJson(parsed);
      } catch {
        return fail('malformed-line', `line ${lineNo} has unsupported JSON values`);
      }
      if (canonical !== raw) return fail('non-canonical-line', `line ${lineNo} is not in canonical form`);

      if ('gap' in parsed) {
        const marker = parseGapMarker(parsed);
        if (!marker) return fail('malformed-line', `line ${lineNo} is a malformed gap marker`);
        if (lineNo !== 0 || !ctx.allowGapLine) {
          return fail('unexplained-gap', `gap marker at line ${lineNo} where none is allowed`);
        }
        if (marker.nextSeq !== seq) {
          return fail('sequence-mismatch', `gap marker says next seq ${marker.nextSeq}, expected ${seq}`);
        }
        gap = marker;
        pos = nl + 1;
        lineNo += 1;
        continue;
      }

      if (!hasExactKeys(parsed, ['chainHash', 'offset', 'partition', 'record', 'seq'])) {
        return fail('malformed-line', `line ${lineNo} does not have the record line fields`);
      }
      const { chainHash: ch, offset, partition, record, seq: lineSeq } = parsed;
      if (typeof ch !== 'string' || !HEX64.test(ch) || !isOffset(offset) || !Number.isSafeInteger(partition)) {
        return fail('malformed-line', `line ${lineNo} has malformed chainHash/offset/partition`);
      }
      if (!Number.isSafeInteger(lineSeq)) return fail('malformed-line', `line ${lineNo} has a malformed seq`);
      let rec: AuditRecord;
      try {
        rec = normalizeRecord(record);
      } catch (e) {
        return fail('malformed-line', `line ${lineNo}: ${(e as Error).message}`);
      }
      // The line is canonical, so the record's canonical text is the slice between its key and ",seq".
      const recordText = canonicalRecordText(rec);
      if (raw.slice(raw.indexOf(RECORD_KEY) + RECORD_KEY.length, raw.lastIndexOf(SEQ_KEY)) !== recordText) {
        return fail('malformed-line', `line ${lineNo}: record has fields outside the schema`);
      }
      line = { ch, offset, partition: partition as number, seq: lineSeq as number, rec, recordText };
    }
    const { ch, offset, partition, seq: lineSeq, rec, recordText } = line;
    if (lineSeq !== seq) return fail('sequence-mismatch', `line ${lineNo} has seq ${String(lineSeq)}, expected ${seq}`);
    if (partition !== ctx.partition) {
      return fail('partition-mismatch', `seq ${seq} is for partition ${String(partition)}, not ${ctx.partition}`);
    }
    const expected = chainHashOfText(prev, recordText, seq, offset);
    if (expected.toString('hex') !== ch) {
      return fail('chain-mismatch', `seq ${seq}: chain hash does not match the record and the previous hash`);
    }
    const off = BigInt(offset);
    if (lastOffset !== null && off <= lastOffset) {
      return fail('offset-order', `seq ${seq}: offset ${offset} is not above the previous offset ${lastOffset}`);
    }
    if (ctx.seenEventIds) {
      if (ctx.seenEventIds.has(rec.eventId)) return fail('duplicate-event', `seq ${seq}: eventId ${rec.eventId} stored twice`);
      ctx.seenEventIds.add(rec.eventId);
    }
    records.push({
      line: { chainHash: ch, offset, partition: ctx.partition, record: rec, seq },
      raw,
      start: pos,
      end: nl + 1,
      leafHash: hashLeaf(raw),
    });
    prev = expected;
    lastOffset = off;
    seq += 1;
    pos = nl + 1;
    lineNo += 1;
  }
  return result(null);
}

interface RecordLineFields {
  ch: string;
  offset: string;
  partition: number;
  seq: number;
  rec: AuditRecord;
  recordText: string;
}

/** The fields of a record line when `raw` is exactly the canonical encoding of a well-formed one, else null. */
function quickRecordLine(v: Record<string, unknown>, raw: string): RecordLineFields | null {
  const { chainHash: ch, offset, partition, record, seq } = v;
  if (Object.keys(v).length !== 5 || typeof ch !== 'string' || !HEX64.test(ch) || !isOffset(offset)) return null;
  if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(seq) || typeof record !== 'object' || record === null) return null;
  let rec: AuditRecord;
  try {
    rec = normalizeRecord(record);
  } catch {
    return null;
  }
  const recordText = canonicalRecordText(rec);
  if (recordLineOfText(ch, offset, partition as number, recordText, seq as number) !== raw) return null;
  return { ch, offset, partition: partition as number, seq: seq as number, rec, recordText };
}

/** True when no line after `from` parses as JSON (crash garbage, not a later valid record). */
function restIsGarbage(buf: Buffer, from: number): boolean {
  let pos = from;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.toString('utf8', pos, end);
    if (text.length > 0 && tryJson(text) !== undefined) return false;
    if (nl < 0) break;
    pos = nl + 1;
  }
  return true;
}
