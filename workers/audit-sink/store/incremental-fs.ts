/** The fs store for the incremental verifier: the checkpoint log read from the byte position reached. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { checkpointLogPath, readCheckpointLog, splitCheckpointLines } from './checkpoint-log';
import { exists, listPartitionDirs, parseSegmentFileName, readRange, segmentFileName } from './files';
import type { CheckpointRef, IncrementalSource, NewCheckpoints, OpenSegmentRead } from './incremental-source';
import { sha256 } from './merkle';
import { isReadOnly, readFileOrNull } from './snapshot-fs';
import { groupCheckpoints } from './snapshot-types';
import type { FsWormStoreConfig, SignedCheckpoint } from './types';

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}

export class FsIncrementalSource implements IncrementalSource {
  readonly kind = 'fs' as const;
  /** bytes of the checkpoint log consumed (complete lines only) */
  private position = 0;

  constructor(private readonly config: FsWormStoreConfig) {}

  get checkpointLocation(): string {
    return checkpointLogPath(this.config.checkpointDir);
  }

  partitions(): Promise<number[]> {
    return listPartitionDirs(this.config.dir);
  }

  /** Complete lines of the log after `from`, without consuming them. */
  private async linesFrom(from: number): Promise<{ size: number; lines: ReturnType<typeof splitCheckpointLines> }> {
    const size = await sizeOf(this.checkpointLocation);
    const buf = size > from ? await readRange(this.checkpointLocation, from, size - from) : null;
    return { size, lines: splitCheckpointLines(buf ?? Buffer.alloc(0), from) };
  }

  async newCheckpoints(): Promise<NewCheckpoints> {
    const { size, lines } = await this.linesFrom(this.position);
    if (size < this.position) return { changed: `the checkpoint log shrank from ${this.position} to ${size} bytes` };
    this.position += lines.consumed;
    const warnings: string[] = [];
    const checkpoints = [];
    for (const l of lines.lines) {
      if (l.checkpoint) checkpoints.push({ sc: l.checkpoint, ref: { start: l.start, end: l.end, sha256: l.sha256 } });
      else warnings.push(`checkpoint log bytes ${l.start}..${l.end} are not a valid checkpoint (ignored)`);
    }
    return { checkpoints, warnings };
  }

  async recheckCheckpoint(ref: CheckpointRef): Promise<'same' | 'changed'> {
    if (!('start' in ref)) return 'changed';
    const bytes = await readRange(this.checkpointLocation, ref.start, ref.end - ref.start);
    return bytes !== null && bytes.length === ref.end - ref.start && sha256(bytes).toString('hex') === ref.sha256 ? 'same' : 'changed';
  }

  async allCheckpoints(): Promise<Map<string, SignedCheckpoint[]>> {
    return groupCheckpoints((await readCheckpointLog(this.config.checkpointDir)).checkpoints);
  }

  private file(segment: string): string {
    return path.join(this.config.dir, ...segment.split('/'));
  }

  loadSegment(segment: string): Promise<Buffer | null> {
    return readFileOrNull(this.file(segment));
  }

  /**
   * The segment after the last sealed one is named after the next seq (a further generation when the
   * last sealed one started there too: an empty torn segment). O(1) file-system calls.
   */
  async openSegment(partition: number, lastSealed: string | null, nextSeq: number): Promise<OpenSegmentRead | null> {
    const last = lastSealed ? parseSegmentFileName(path.basename(lastSealed)) : null;
    const generation = last && last.firstSeq === nextSeq ? last.generation + 1 : 0;
    const name = `p${partition}/${segmentFileName(nextSeq, generation)}`;
    const file = this.file(name);
    if (!(await exists(file))) return null;
    const data = await readFileOrNull(file);
    if (data === null) return null;
    if (!(await isReadOnly(file))) return { name, data, sealed: false };
    // Read-only: sealed since the log was read (checkpoint first, then chmod), or tampering.
    const { lines } = await this.linesFrom(this.position);
    const sealed = lines.lines.some((l) => l.checkpoint?.checkpoint.segment === name);
    return { name, data, sealed: sealed ? 'checkpointed' : 'no-checkpoint' };
  }
}
