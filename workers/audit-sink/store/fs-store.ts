/**
 * `fs` WORM store.
 *
 * Layout:
 *   <dir>/p<partition>/<firstSeq 20 digits>[-<generation>].seg    segment files (JSON lines, see chain.ts)
 *   <dir>/keys/checkpoint-signing.pem (+ .pub.pem)                 generated key when no signingKeyPath
 *   <checkpointDir>/checkpoints.jsonl                              one signed checkpoint per sealed segment
 *   <checkpointDir>/heads.jsonl                                    signed heads, open segments included (signed-head.ts)
 * Files are only ever appended to (O_APPEND) and fsync'd per batch; sealed segments are chmod 0444.
 * The segment machinery is in segment-base.ts (shared with the s3 store's staging files).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from './canonical';
import { buildCheckpoint, encodeSignedCheckpoint, signCheckpoint } from './checkpoint';
import { checkpointLogPath, readCheckpointLog } from './checkpoint-log';
import { appendDurably, collectEventIds, listPartitionDirs, listSegmentFiles } from './files';
import { SegmentStoreBase, type SealItem } from './segment-base';
import { sha256 as hashOf } from './merkle';
import { headLogPath, readHeadLog, signHead } from './signed-head';
import type { FsWormStoreConfig, SignedCheckpoint, TornTail } from './types';

// Kept for callers of the former all-in-one module.
export { CHECKPOINT_LOG, readCheckpointLog, type CheckpointLogContent } from './checkpoint-log';
export * from './files';
export { SegmentStoreBase, type PartitionState, type SealItem, type SegmentToSeal } from './segment-base';

export class FsWormStore extends SegmentStoreBase {
  /** where the head log stands: the hash its next line commits to, and each partition's last signed count */
  private heads: { lastLineHash: string; records: Map<number, number> } | null = null;
  /** hash of the checkpoint log's last line: the next checkpoint commits to it */
  private lastLogLine: string | null = null;

  constructor(private readonly config: FsWormStoreConfig) {
    super(config.dir, config.dir, config.signingKeyPath, config.maxSegmentRecords, config.maxSegmentAgeMs, true);
  }

  private get logPath(): string {
    return checkpointLogPath(this.config.checkpointDir);
  }

  protected async loadSealedState(): Promise<Map<number, string[]>> {
    await fsp.mkdir(this.config.checkpointDir, { recursive: true, mode: 0o750 });
    let log = await readCheckpointLog(this.config.checkpointDir);
    if (log.tornTail) {
      // A crash while appending a checkpoint: terminate the torn line so the next one starts cleanly.
      // The segment it belonged to has no valid checkpoint and is sealed again below.
      await appendDurably(this.logPath, '\n');
      log = await readCheckpointLog(this.config.checkpointDir);
    }
    this.lastLogLine = log.lastLineHash;
    const bySegment = new Map<string, SignedCheckpoint>();
    for (const sc of log.checkpoints) {
      const prev = bySegment.get(sc.checkpoint.segment);
      if (prev && canonicalJson({ ...prev.checkpoint, prevLine: '' }) !== canonicalJson({ ...sc.checkpoint, prevLine: '' })) {
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
      const unsealed: string[] = [];
      for (const name of await listSegmentFiles(dir)) {
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
        collectEventIds((await fsp.readFile(file)).subarray(0, cp.bytes), this.eventIds);
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

  /**
   * The checkpoints of every segment sealed together go to the SEPARATE log in one write and one
   * fsync (the segments' bytes are already durable); then the segments are made read-only.
   */
  protected async sealSegments(items: SealItem[], now: Date): Promise<string[]> {
    const names: string[] = [];
    let lines = '';
    if (this.lastLogLine === null) throw new Error('audit store not initialised: call init() first');
    let prevLine = this.lastLogLine;
    for (const { seg, data, sha256, summary, tornTail } of items) {
      const segment = `p${seg.partition}/${seg.name}`;
      const cp = buildCheckpoint({
        store: 'fs',
        partition: seg.partition,
        segment,
        firstSeq: seg.firstSeq,
        prevChainHead: seg.prevChainHead,
        summary,
        bytes: data.length,
        sha256,
        tornTail,
        sealedAt: now,
        prevLine,
      });
      const line = `${encodeSignedCheckpoint(signCheckpoint(cp, this.signingKeys))}\n`;
      lines += line;
      prevLine = hashOf(Buffer.from(line, 'utf8')).toString('hex');
      names.push(segment);
    }
    await appendDurably(this.logPath, lines);
    this.lastLogLine = prevLine;
    // A crash before the chmod is repaired at start-up (loadSealedState).
    for (const { seg } of items) await fsp.chmod(seg.path, 0o444);
    return names;
  }

  /**
   * Signs a head for every partition whose record count changed since its last head, in one
   * append and fsync. Run between writes (serialized with them), so a head only covers durable records.
   */
  signHeads(now: Date = new Date()): Promise<void> {
    return this.serialize(async () => {
      const file = headLogPath(this.config.checkpointDir);
      if (!this.heads) {
        let log = await readHeadLog(this.config.checkpointDir);
        if (log.tornTail) {
          await appendDurably(file, '\n'); // a crash mid-line: close it; the next head commits to it
          log = await readHeadLog(this.config.checkpointDir);
        }
        this.heads = { lastLineHash: log.lastLineHash, records: new Map([...log.latest].map(([p, sh]) => [p, sh.head.records])) };
      }
      let prev = this.heads.lastLineHash;
      let lines = '';
      const signed = new Map<number, number>();
      for (const st of [...this.partitions.values()].sort((a, b) => a.partition - b.partition)) {
        if (st.nextSeq === 0 || this.heads.records.get(st.partition) === st.nextSeq) continue;
        const line = `${canonicalJson(
          signHead(
            {
              version: 1,
              partition: st.partition,
              records: st.nextSeq,
              lastOffset: st.lastOffset === null ? null : st.lastOffset.toString(),
              chainHead: st.chainHead.toString('hex'),
              at: now.toISOString(),
              prev,
            },
            this.signingKeys,
          ),
        )}\n`;
        lines += line;
        prev = hashOf(Buffer.from(line, 'utf8')).toString('hex');
        signed.set(st.partition, st.nextSeq);
      }
      if (!lines) return;
      try {
        await appendDurably(file, lines);
      } catch (err) {
        // A partial line may be left: re-read the log (and close that line) before the next head.
        this.heads = null;
        throw err;
      }
      this.heads.lastLineHash = prev;
      for (const [p, n] of signed) this.heads.records.set(p, n);
    });
  }

  protected async discardSealedLocalFile(partition: number, file: string): Promise<void> {
    throw new Error(`audit segment ${file} (partition ${partition}) overlaps sealed segments but has no checkpoint; refusing to write`);
  }

  protected async handleEmptyTornFile(item: SealItem & { tornTail: TornTail }): Promise<void> {
    // Never delete or truncate: seal it as an empty segment whose checkpoint records the torn bytes.
    await this.sealSegments([item], new Date());
  }
}
