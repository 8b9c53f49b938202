/**
 * `fs` WORM store, plus the segment-writing machinery shared with the s3 store (which keeps its open
 * segment in a local staging directory with exactly the same format).
 *
 * Layout:
 *   <dir>/p<partition>/<firstSeq 20 digits>[-<generation>].seg    segment files (JSON lines, see chain.ts)
 *   <dir>/keys/checkpoint-signing.pem (+ .pub.pem)                 generated key when no signingKeyPath
 *   <checkpointDir>/checkpoints.jsonl                              one signed checkpoint per sealed segment
 * Files are only ever appended to (O_APPEND) and fsync'd per batch; sealed segments are chmod 0444.
 */
import { promises as fsp, constants as fsc } from 'fs';
import type { FileHandle } from 'fs/promises';
import * as path from 'path';
import { canonicalJson, normalizeRecord } from './canonical';
import {
  GENESIS_HASH,
  chainHash,
  encodeGapLine,
  encodeRecordLine,
  isOffset,
  parseSegment,
  type GapMarker,
  type ParsedSegment,
} from './chain';
import {
  buildCheckpoint,
  encodeSignedCheckpoint,
  loadOrCreateSigningKey,
  parseSignedCheckpoint,
  signCheckpoint,
  type SigningKeys,
} from './checkpoint';
import { sha256 } from './merkle';
import type { AuditEntry, FsWormStoreConfig, SealedInfo, SignedCheckpoint, TornTail, WormStore } from './types';

export const CHECKPOINT_LOG = 'checkpoints.jsonl';
const SEGMENT_RE = /^(\d{20})(?:-(\d+))?\.seg$/;
const PARTITION_RE = /^p(0|[1-9]\d*)$/;

export function padNumber(n: number | bigint | string): string {
  return String(n).padStart(20, '0');
}

export function segmentFileName(firstSeq: number, generation = 0): string {
  return generation === 0 ? `${padNumber(firstSeq)}.seg` : `${padNumber(firstSeq)}-${generation}.seg`;
}

export function parseSegmentFileName(name: string): { firstSeq: number; generation: number } | null {
  const m = SEGMENT_RE.exec(name);
  if (!m) return null;
  return { firstSeq: Number(m[1]), generation: m[2] === undefined ? 0 : Number(m[2]) };
}

export function compareSegmentNames(a: string, b: string): number {
  const pa = parseSegmentFileName(a);
  const pb = parseSegmentFileName(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa.firstSeq - pb.firstSeq || pa.generation - pb.generation;
}

export function parsePartitionDir(name: string): number | null {
  const m = PARTITION_RE.exec(name);
  return m ? Number(m[1]) : null;
}

export async function listPartitionDirs(root: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map(parsePartitionDir)
    .filter((p): p is number => p !== null)
    .sort((a, b) => a - b);
}

export async function listSegmentFiles(partitionDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(partitionDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.filter((n) => SEGMENT_RE.test(n)).sort(compareSegmentNames);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, fsc.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function ensureDir(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  let existed = true;
  try {
    await fsp.access(dir);
  } catch {
    existed = false;
  }
  if (!existed) {
    await fsp.mkdir(dir, { recursive: true, mode: 0o750 });
    await fsyncDir(parent).catch(() => undefined);
  }
}

export interface CheckpointLogContent {
  checkpoints: SignedCheckpoint[];
  /** 1-based line numbers that are not a valid signed checkpoint */
  badLines: number[];
  /** the log ends without a newline (crash while appending a checkpoint) */
  tornTail: boolean;
}

export async function readCheckpointLog(checkpointDir: string): Promise<CheckpointLogContent> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(checkpointDir, CHECKPOINT_LOG), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], badLines: [], tornTail: false };
    throw e;
  }
  const lines = text.split('\n');
  const tornTail = lines[lines.length - 1] !== '';
  const checkpoints: SignedCheckpoint[] = [];
  const badLines: number[] = [];
  lines.forEach((line, i) => {
    if (line === '' && i === lines.length - 1) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line) as unknown;
    } catch {
      badLines.push(i + 1);
      return;
    }
    const sc = parseSignedCheckpoint(parsed);
    if (sc) checkpoints.push(sc);
    else badLines.push(i + 1);
  });
  return { checkpoints, badLines, tornTail };
}

/** Appends one line (O_APPEND) and fsyncs; fsyncs the directory when the file was created. */
export async function appendDurably(file: string, data: string): Promise<void> {
  let created = false;
  try {
    await fsp.access(file);
  } catch {
    created = true;
  }
  const fh = await fsp.open(file, 'a', 0o640);
  try {
    await fh.write(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (created) await fsyncDir(path.dirname(file));
}

/** Collects the eventIds of a segment leniently (no verification; that is verify.ts's job). */
export function collectEventIds(data: Buffer, into: Set<string>): void {
  for (const line of data.toString('utf8').split('\n')) {
    if (line === '') continue;
    try {
      const v = JSON.parse(line) as { record?: { eventId?: unknown } };
      if (typeof v.record?.eventId === 'string') into.add(v.record.eventId);
    } catch {
      /* torn or garbage line: nothing to collect */
    }
  }
}

interface OpenSegment {
  name: string;
  path: string;
  fh: FileHandle;
  firstSeq: number;
  prevChainHead: Buffer;
  count: number;
  openedAt: number;
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
  return {
    partition,
    nextSeq: 0,
    chainHead: GENESIS_HASH,
    lastOffset: null,
    open: null,
    lastName: null,
    pendingGap: null,
  };
}

function validateConfigNumbers(maxSegmentRecords: number, maxSegmentAgeMs: number): void {
  if (!Number.isSafeInteger(maxSegmentRecords) || maxSegmentRecords < 1) {
    throw new RangeError('maxSegmentRecords must be a positive integer');
  }
  if (!Number.isFinite(maxSegmentAgeMs) || maxSegmentAgeMs < 0) throw new RangeError('maxSegmentAgeMs must be >= 0');
}

/**
 * Common machinery: per-partition open segment files under `segmentRoot/p<N>/`, batch append with
 * one fsync per touched file, dedupe, crash recovery of the open segment, and sealing by size/age.
 * Subclasses load the sealed state and implement how a segment is sealed.
 */
export abstract class SegmentStoreBase implements WormStore {
  onSealed?: (info: SealedInfo) => void;
  protected readonly partitions = new Map<number, PartitionState>();
  protected readonly eventIds = new Set<string>();
  protected keys: SigningKeys | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;
  private initialized = false;
  private closed = false;

  protected constructor(
    protected readonly segmentRoot: string,
    protected readonly keyDataDir: string,
    protected readonly signingKeyPath: string | undefined,
    protected readonly maxSegmentRecords: number,
    protected readonly maxSegmentAgeMs: number,
    /** write a gap line at the start of the segment that follows a torn one */
    private readonly writesGapLines: boolean,
  ) {
    validateConfigNumbers(maxSegmentRecords, maxSegmentAgeMs);
  }

  /** Fill `partitions` (nextSeq, chainHead, lastOffset, lastName) and `eventIds` from sealed data; return the unsealed local files per partition, oldest first. */
  protected abstract loadSealedState(): Promise<Map<number, string[]>>;
  /** Seal `data` (the covered bytes) of a segment; returns the segment name reported to onSealed. */
  protected abstract sealSegment(
    seg: SegmentToSeal,
    data: Buffer,
    parsed: ParsedSegment,
    tornTail: TornTail | null,
    now: Date,
  ): Promise<string>;
  /** A local file whose content is entirely below the sealed state (s3: already uploaded). */
  protected abstract discardSealedLocalFile(partition: number, file: string): Promise<void>;
  /** A torn local file without any valid record (s3: move aside; fs: seal it as an empty segment). */
  protected abstract handleEmptyTornFile(seg: SegmentToSeal, data: Buffer, parsed: ParsedSegment, torn: TornTail): Promise<void>;

  /** s3: the segment object was already uploaded before a crash, so finish sealing it now. */
  protected mustSealOnRecovery(_seg: SegmentToSeal, _parsed: ParsedSegment): boolean {
    return false;
  }

  protected get signingKeys(): SigningKeys {
    if (!this.keys) throw new Error('audit store not initialised: call init() first');
    return this.keys;
  }

  protected serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected partitionState(partition: number): PartitionState {
    let s = this.partitions.get(partition);
    if (!s) {
      s = newPartitionState(partition);
      this.partitions.set(partition, s);
    }
    return s;
  }

  private assertUsable(): void {
    if (this.closed) throw new Error('audit store is closed');
    if (!this.initialized) throw new Error('audit store not initialised: call init() first');
    if (this.broken) throw new Error(`audit store unusable after a failed write; restart to recover: ${this.broken.message}`);
  }

  init(): Promise<void> {
    return this.serialize(async () => {
      if (this.initialized) return;
      await fsp.mkdir(this.segmentRoot, { recursive: true, mode: 0o750 });
      this.keys = await loadOrCreateSigningKey({ signingKeyPath: this.signingKeyPath, dataDir: this.keyDataDir });
      const pending = await this.loadSealedState();
      for (const [partition, files] of [...pending.entries()].sort((a, b) => a[0] - b[0])) {
        await this.recoverPartition(this.partitionState(partition), files);
      }
      this.initialized = true;
    });
  }

  private async recoverPartition(state: PartitionState, files: string[]): Promise<void> {
    const dir = path.join(this.segmentRoot, `p${state.partition}`);
    for (let i = 0; i < files.length; i += 1) {
      const name = files[i] as string;
      const file = path.join(dir, name);
      const parsedName = parseSegmentFileName(name);
      if (!parsedName) continue;
      const data = await fsp.readFile(file);
      if (parsedName.firstSeq < state.nextSeq) {
        await this.discardSealedLocalFile(state.partition, file);
        continue;
      }
      if (parsedName.firstSeq > state.nextSeq) {
        throw new Error(
          `audit segment ${file} starts at seq ${parsedName.firstSeq} but the partition continues at ${state.nextSeq}; refusing to write`,
        );
      }
      const seg: SegmentToSeal = {
        partition: state.partition,
        name,
        path: file,
        firstSeq: state.nextSeq,
        prevChainHead: state.chainHead,
      };
      const parsed = parseSegment(data, {
        partition: state.partition,
        firstSeq: state.nextSeq,
        prevChainHead: state.chainHead,
        lastOffset: state.lastOffset,
        allowGapLine: true,
      });
      const isLast = i === files.length - 1;
      if (parsed.problem && !parsed.problem.recoverable) {
        throw new Error(
          `audit segment ${file} is corrupt at seq ${parsed.problem.sequence} (${parsed.problem.kind}: ${parsed.problem.reason}); refusing to write`,
        );
      }
      for (const r of parsed.records) this.eventIds.add(r.line.record.eventId);
      if (parsed.problem) {
        // Torn tail: the bytes after the last complete record were never acknowledged (append had not
        // resolved), so Kafka re-delivers them. Seal what is valid, record the gap, continue in a new segment.
        const tornBytes = data.subarray(parsed.validBytes);
        const torn: TornTail = { bytes: tornBytes.length, sha256: sha256(tornBytes).toString('hex') };
        const covered = data.subarray(0, parsed.validBytes);
        if (parsed.records.length === 0) await this.handleEmptyTornFile(seg, covered, parsed, torn);
        else await this.sealSegment(seg, covered, parsed, torn, new Date());
        state.pendingGap = {
          detectedAt: new Date().toISOString(),
          nextSeq: parsed.nextSeq,
          previousSegment: `p${state.partition}/${name}`,
          tornBytes: torn.bytes,
          tornSha256: torn.sha256,
        };
      } else if ((!isLast || this.mustSealOnRecovery(seg, parsed)) && parsed.records.length > 0) {
        await this.sealSegment(seg, data, parsed, null, new Date());
      } else if (!isLast) {
        continue;
      } else {
        const fh = await fsp.open(file, 'a', 0o640);
        const stat = await fh.stat();
        const birth = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.ctimeMs;
        state.open = {
          name,
          path: file,
          fh,
          firstSeq: state.nextSeq,
          prevChainHead: state.chainHead,
          count: parsed.records.length,
          openedAt: parsed.records.length > 0 ? birth : Date.now(),
        };
        if (parsed.gap) state.pendingGap = null;
      }
      state.nextSeq = parsed.nextSeq;
      state.chainHead = parsed.chainHead;
      state.lastOffset = parsed.lastOffset;
      state.lastName = name;
    }
  }

  append(entries: AuditEntry[]): Promise<void> {
    return this.serialize(async () => {
      this.assertUsable();
      const byPartition = new Map<number, { offset: bigint; entry: AuditEntry }[]>();
      for (const entry of entries) {
        if (!Number.isSafeInteger(entry.partition) || entry.partition < 0) {
          throw new RangeError(`bad partition ${String(entry.partition)}`);
        }
        if (!isOffset(entry.offset)) throw new RangeError(`bad offset ${String(entry.offset)}`);
        const list = byPartition.get(entry.partition) ?? [];
        list.push({ offset: BigInt(entry.offset), entry: { ...entry, record: normalizeRecord(entry.record) } });
        byPartition.set(entry.partition, list);
      }
      try {
        for (const [partition, list] of [...byPartition.entries()].sort((a, b) => a[0] - b[0])) {
          list.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
          const state = this.partitionState(partition);
          const batchIds = new Set<string>();
          const fresh = list.filter(({ offset, entry }) => {
            if (state.lastOffset !== null && offset <= state.lastOffset) return false;
            const id = entry.record.eventId;
            if (this.eventIds.has(id) || batchIds.has(id)) return false;
            batchIds.add(id);
            return true;
          });
          // Same offset twice in one batch: keep the first.
          const unique = fresh.filter((x, i) => i === 0 || x.offset !== (fresh[i - 1] as { offset: bigint }).offset);
          let i = 0;
          while (i < unique.length) {
            const open = await this.ensureOpen(state);
            const room = this.maxSegmentRecords - open.count;
            const chunk = unique.slice(i, i + room);
            await this.writeChunk(state, open, chunk.map((c) => c.entry));
            i += chunk.length;
            if (open.count >= this.maxSegmentRecords) await this.sealOpen(state, new Date());
          }
        }
      } catch (e) {
        this.broken = e as Error;
        throw e;
      }
    });
  }

  private async ensureOpen(state: PartitionState): Promise<OpenSegment> {
    if (state.open) return state.open;
    const dir = path.join(this.segmentRoot, `p${state.partition}`);
    await ensureDir(dir);
    let generation = 0;
    const last = state.lastName ? parseSegmentFileName(state.lastName) : null;
    if (last && last.firstSeq === state.nextSeq) generation = last.generation + 1;
    const name = segmentFileName(state.nextSeq, generation);
    const file = path.join(dir, name);
    const fh = await fsp.open(file, 'ax', 0o640);
    await fsyncDir(dir);
    state.open = {
      name,
      path: file,
      fh,
      firstSeq: state.nextSeq,
      prevChainHead: state.chainHead,
      count: 0,
      openedAt: Date.now(),
    };
    state.lastName = name;
    return state.open;
  }

  private async writeChunk(state: PartitionState, open: OpenSegment, entries: AuditEntry[]): Promise<void> {
    let text = '';
    if (open.count === 0 && state.pendingGap && this.writesGapLines) {
      const st = await open.fh.stat();
      if (st.size === 0) text += encodeGapLine(state.pendingGap);
    }
    let seq = state.nextSeq;
    let head = state.chainHead;
    for (const e of entries) {
      head = chainHash(head, e.record, seq, e.offset);
      text += encodeRecordLine({
        chainHash: head.toString('hex'),
        offset: e.offset,
        partition: state.partition,
        record: e.record,
        seq,
      });
      seq += 1;
    }
    const buf = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < buf.length) {
      const { bytesWritten } = await open.fh.write(buf, written, buf.length - written);
      written += bytesWritten;
    }
    await open.fh.sync();
    if (open.count === 0) open.openedAt = Date.now();
    state.pendingGap = null;
    open.count += entries.length;
    state.nextSeq = seq;
    state.chainHead = head;
    const lastEntry = entries[entries.length - 1];
    if (lastEntry) state.lastOffset = BigInt(lastEntry.offset);
    for (const e of entries) this.eventIds.add(e.record.eventId);
  }

  /** Seals the open segment of a partition (no-op when it has no records). */
  protected async sealOpen(state: PartitionState, now: Date): Promise<void> {
    const open = state.open;
    if (!open || open.count === 0) return;
    await open.fh.sync();
    await open.fh.close();
    state.open = null;
    const data = await fsp.readFile(open.path);
    const parsed = parseSegment(data, {
      partition: state.partition,
      firstSeq: open.firstSeq,
      prevChainHead: open.prevChainHead,
      lastOffset: null,
      allowGapLine: true,
    });
    if (parsed.problem) {
      throw new Error(`cannot seal ${open.path}: ${parsed.problem.kind} at seq ${parsed.problem.sequence}: ${parsed.problem.reason}`);
    }
    const seg: SegmentToSeal = {
      partition: state.partition,
      name: open.name,
      path: open.path,
      firstSeq: open.firstSeq,
      prevChainHead: open.prevChainHead,
    };
    const segment = await this.sealSegment(seg, data, parsed, null, now);
    this.onSealed?.({ partition: state.partition, segment, records: parsed.records.length, at: now });
  }

  committedOffset(partition: number): Promise<string | null> {
    return this.serialize(async () => {
      this.assertUsable();
      const s = this.partitions.get(partition);
      return s && s.lastOffset !== null ? s.lastOffset.toString() : null;
    });
  }

  sealDue(now: Date = new Date()): Promise<void> {
    return this.serialize(async () => {
      this.assertUsable();
      try {
        for (const state of [...this.partitions.values()].sort((a, b) => a.partition - b.partition)) {
          const open = state.open;
          if (!open || open.count === 0) continue;
          if (open.count >= this.maxSegmentRecords || now.getTime() - open.openedAt >= this.maxSegmentAgeMs) {
            await this.sealOpen(state, now);
          }
        }
      } catch (e) {
        this.broken = e as Error;
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.serialize(async () => {
      if (this.closed) return;
      this.closed = true;
      for (const state of this.partitions.values()) {
        if (state.open) {
          await state.open.fh.sync().catch(() => undefined);
          await state.open.fh.close();
          state.open = null;
        }
      }
    });
  }
}

export class FsWormStore extends SegmentStoreBase {
  constructor(private readonly config: FsWormStoreConfig) {
    super(config.dir, config.dir, config.signingKeyPath, config.maxSegmentRecords, config.maxSegmentAgeMs, true);
  }

  private get logPath(): string {
    return path.join(this.config.checkpointDir, CHECKPOINT_LOG);
  }

  protected async loadSealedState(): Promise<Map<number, string[]>> {
    await fsp.mkdir(this.config.checkpointDir, { recursive: true, mode: 0o750 });
    const log = await readCheckpointLog(this.config.checkpointDir);
    if (log.tornTail) {
      // A crash while appending a checkpoint: terminate the torn line so the next one starts cleanly.
      // The segment it belonged to has no valid checkpoint and is sealed again below.
      await appendDurably(this.logPath, '\n');
    }
    const bySegment = new Map<string, SignedCheckpoint>();
    for (const sc of log.checkpoints) {
      const prev = bySegment.get(sc.checkpoint.segment);
      if (prev && canonicalJson(prev.checkpoint) !== canonicalJson(sc.checkpoint)) {
        throw new Error(`conflicting checkpoints for ${sc.checkpoint.segment} in ${this.logPath}`);
      }
      if (!prev) bySegment.set(sc.checkpoint.segment, sc);
    }
    const pending = new Map<number, string[]>();
    const partitions = new Set<number>(await listPartitionDirs(this.config.dir));
    for (const sc of bySegment.values()) partitions.add(sc.checkpoint.partition);
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const state = this.partitionState(partition);
      const dir = path.join(this.config.dir, `p${partition}`);
      const files = await listSegmentFiles(dir);
      const unsealed: string[] = [];
      for (const name of files) {
        const sc = bySegment.get(`p${partition}/${name}`);
        if (!sc) {
          unsealed.push(name);
          continue;
        }
        if (unsealed.length > 0) {
          throw new Error(`audit segment p${partition}/${unsealed[0]} has no checkpoint but later segments do; refusing to write`);
        }
        const cp = sc.checkpoint;
        const file = path.join(dir, name);
        const data = await fsp.readFile(file);
        collectEventIds(data.subarray(0, cp.bytes), this.eventIds);
        const st = await fsp.stat(file);
        if ((st.mode & 0o777) !== 0o444) {
          await fsp.chmod(file, 0o444); // crash between checkpoint append and chmod
        }
        state.nextSeq = cp.firstSeq + cp.count;
        state.chainHead = Buffer.from(cp.chainHead, 'hex');
        if (cp.lastOffset !== null) state.lastOffset = BigInt(cp.lastOffset);
        state.lastName = name;
      }
      if (unsealed.length > 0) pending.set(partition, unsealed);
    }
    return pending;
  }

  protected async sealSegment(
    seg: SegmentToSeal,
    data: Buffer,
    parsed: ParsedSegment,
    tornTail: TornTail | null,
    now: Date,
  ): Promise<string> {
    const segment = `p${seg.partition}/${seg.name}`;
    const cp = buildCheckpoint({
      store: 'fs',
      partition: seg.partition,
      segment,
      firstSeq: seg.firstSeq,
      prevChainHead: seg.prevChainHead,
      parsed,
      data,
      tornTail,
      sealedAt: now,
    });
    const signed = signCheckpoint(cp, this.signingKeys);
    await appendDurably(this.logPath, `${encodeSignedCheckpoint(signed)}\n`);
    await fsp.chmod(seg.path, 0o444);
    const fh = await fsp.open(seg.path, 'r');
    await fh.sync().finally(() => fh.close());
    return segment;
  }

  protected async discardSealedLocalFile(partition: number, file: string): Promise<void> {
    throw new Error(`audit segment ${file} (partition ${partition}) overlaps sealed segments but has no checkpoint; refusing to write`);
  }

  protected async handleEmptyTornFile(seg: SegmentToSeal, data: Buffer, parsed: ParsedSegment, torn: TornTail): Promise<void> {
    // Never delete or truncate: seal it as an empty segment whose checkpoint records the torn bytes.
    await this.sealSegment(seg, data, parsed, torn, new Date());
  }
}
