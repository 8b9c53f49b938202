/**
 * Machinery shared by the fs store and the s3 store (whose open segment is a local staging file of
 * the same format): per-partition open segments under `segmentRoot/p<N>/`, batch append with one
 * write per touched segment and one fsync per touched file per batch, dedupe, crash recovery of the
 * open segment, and sealing by size (inline) or age (sealDue). Subclasses load the sealed state and
 * implement how segments are sealed.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { normalizeRecord } from './canonical';
import { isOffset } from './chain';
import { loadOrCreateSigningKey, type SigningKeys } from './checkpoint';
import { ensureDir, fsyncDir, parseSegmentFileName, segmentFileName } from './files';
import { finishSegment, newOpenSegment, newPartitionState, writeEntries, type OpenSegment, type PartitionState } from './segment-file';
import { recoverPartition, type SealItem } from './segment-recovery';
import type { AuditEntry, SealedInfo, TornTail, WormStore } from './types';

export type { PartitionState, SegmentToSeal } from './segment-file';
export type { SealItem } from './segment-recovery';

function validateConfigNumbers(maxSegmentRecords: number, maxSegmentAgeMs: number): void {
  if (!Number.isSafeInteger(maxSegmentRecords) || maxSegmentRecords < 1) {
    throw new RangeError('maxSegmentRecords must be a positive integer');
  }
  if (!Number.isFinite(maxSegmentAgeMs) || maxSegmentAgeMs < 0) throw new RangeError('maxSegmentAgeMs must be >= 0');
}

/** Offsets are canonical decimal strings (no leading zeros): the shorter is smaller, else by characters. */
export function compareOffsets(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

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
  /** Seal segments whose covered bytes are durable; returns the segment names reported to onSealed. */
  protected abstract sealSegments(items: SealItem[], now: Date): Promise<string[]>;
  /** A local file whose content is entirely below the sealed state (s3: already uploaded). */
  protected abstract discardSealedLocalFile(partition: number, file: string): Promise<void>;
  /** A torn local file without any valid record (s3: move aside; fs: seal it as an empty segment). */
  protected abstract handleEmptyTornFile(item: SealItem & { tornTail: TornTail }): Promise<void>;

  /** s3: the segment object was already uploaded before a crash, so finish sealing it now. */
  protected mustSealOnRecovery(_item: SealItem): boolean {
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

  /** Runs a write; any failure leaves the store unusable until a restart recovers it from disk. */
  private async guarded(fn: () => Promise<void>): Promise<void> {
    this.assertUsable();
    try {
      await fn();
    } catch (e) {
      this.broken = e as Error;
      throw e;
    }
  }

  init(): Promise<void> {
    return this.serialize(async () => {
      if (this.initialized) return;
      await fsp.mkdir(this.segmentRoot, { recursive: true, mode: 0o750 });
      this.keys = await loadOrCreateSigningKey({ signingKeyPath: this.signingKeyPath, dataDir: this.keyDataDir });
      const pending = await this.loadSealedState();
      const hooks = {
        segmentRoot: this.segmentRoot,
        eventIds: this.eventIds,
        seal: (items: SealItem[], now: Date) => this.sealSegments(items, now),
        discardSealedLocalFile: (partition: number, file: string) => this.discardSealedLocalFile(partition, file),
        handleEmptyTornFile: (item: SealItem & { tornTail: TornTail }) => this.handleEmptyTornFile(item),
        mustSealOnRecovery: (item: SealItem) => this.mustSealOnRecovery(item),
      };
      for (const [partition, files] of [...pending.entries()].sort((a, b) => a[0] - b[0])) {
        await recoverPartition(this.partitionState(partition), files, hooks);
      }
      this.initialized = true;
    });
  }

  /** The entries of one partition that are not stored yet, in offset order; their eventIds are registered. */
  private fresh(state: PartitionState, list: AuditEntry[]): AuditEntry[] {
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i += 1) sorted = compareOffsets((list[i - 1] as AuditEntry).offset, (list[i] as AuditEntry).offset) <= 0;
    if (!sorted) list.sort((a, b) => compareOffsets(a.offset, b.offset));
    const stored = state.lastOffset === null ? null : state.lastOffset.toString();
    const out: AuditEntry[] = [];
    let prev: string | null = null;
    for (const entry of list) {
      if (stored !== null && compareOffsets(entry.offset, stored) <= 0) continue;
      if (prev !== null && entry.offset === prev) continue; // the same offset twice: the first is kept
      const id = entry.record.eventId;
      if (this.eventIds.has(id)) continue;
      // Registered now: written below in this append, or the store is unusable if the write fails.
      this.eventIds.add(id);
      prev = entry.offset;
      out.push(entry);
    }
    return out;
  }

  append(entries: AuditEntry[]): Promise<void> {
    return this.serialize(() =>
      this.guarded(async () => {
        const byPartition = new Map<number, AuditEntry[]>();
        for (const entry of entries) {
          if (!Number.isSafeInteger(entry.partition) || entry.partition < 0) {
            throw new RangeError(`bad partition ${String(entry.partition)}`);
          }
          if (!isOffset(entry.offset)) throw new RangeError(`bad offset ${String(entry.offset)}`);
          let list = byPartition.get(entry.partition);
          if (!list) byPartition.set(entry.partition, (list = []));
          list.push({ partition: entry.partition, offset: entry.offset, record: normalizeRecord(entry.record) });
        }
        const touched = new Set<OpenSegment>();
        const newDirs = new Set<string>();
        const full: { state: PartitionState; open: OpenSegment }[] = [];
        for (const [partition, list] of [...byPartition.entries()].sort((a, b) => a[0] - b[0])) {
          const state = this.partitionState(partition);
          const unique = this.fresh(state, list);
          for (let i = 0; i < unique.length;) {
            const open = await this.ensureOpen(state, newDirs);
            const chunk = unique.slice(i, i + this.maxSegmentRecords - open.count);
            await writeEntries(state, open, chunk, this.writesGapLines);
            touched.add(open);
            i += chunk.length;
            if (open.count >= this.maxSegmentRecords) {
              full.push({ state, open });
              state.open = null;
            }
          }
        }
        // Durable before append resolves: every written file once, then each new directory entry.
        await Promise.all(
          [...touched].map(async (o) => {
            if (!o.dirty) return;
            await o.fh.sync();
            o.dirty = false;
          }),
        );
        await Promise.all([...newDirs].map((d) => fsyncDir(d)));
        if (full.length > 0) await this.seal(full, new Date());
      }),
    );
  }

  private async ensureOpen(state: PartitionState, newDirs: Set<string>): Promise<OpenSegment> {
    if (state.open) return state.open;
    const dir = path.join(this.segmentRoot, `p${state.partition}`);
    await ensureDir(dir);
    let generation = 0;
    const last = state.lastName ? parseSegmentFileName(state.lastName) : null;
    if (last && last.firstSeq === state.nextSeq) generation = last.generation + 1;
    const name = segmentFileName(state.nextSeq, generation);
    const file = path.join(dir, name);
    const fh = await fsp.open(file, 'ax', 0o640);
    newDirs.add(dir);
    state.open = newOpenSegment(state, name, file, fh);
    state.lastName = name;
    return state.open;
  }

  /** Seals closed-for-writing segments of one or more partitions together, then reports each. */
  private async seal(list: { state: PartitionState; open: OpenSegment }[], now: Date): Promise<void> {
    const items: SealItem[] = [];
    for (const { state, open } of list) {
      if (state.open === open) state.open = null;
      items.push({ ...(await finishSegment(state, open)), tornTail: null });
    }
    const names = await this.sealSegments(items, now);
    items.forEach((item, i) => {
      this.onSealed?.({ partition: item.seg.partition, segment: names[i] as string, records: item.summary.count, at: now });
    });
  }

  committedOffset(partition: number): Promise<string | null> {
    return this.serialize(async () => {
      this.assertUsable();
      const s = this.partitions.get(partition);
      return s && s.lastOffset !== null ? s.lastOffset.toString() : null;
    });
  }

  sealDue(now: Date = new Date()): Promise<void> {
    return this.serialize(() =>
      this.guarded(async () => {
        const due: { state: PartitionState; open: OpenSegment }[] = [];
        for (const state of [...this.partitions.values()].sort((a, b) => a.partition - b.partition)) {
          const open = state.open;
          if (!open || open.count === 0) continue;
          if (open.count >= this.maxSegmentRecords || now.getTime() - open.openedAt >= this.maxSegmentAgeMs) due.push({ state, open });
        }
        if (due.length > 0) await this.seal(due, now);
      }),
    );
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
