/**
 * Start-up recovery of a partition's unsealed local segment files (fs segments, s3 staging files):
 * complete files that are not the last are sealed, the last one is re-opened, and a torn tail (an
 * incomplete line or crash garbage at the end: never acknowledged, so Kafka re-delivers it) is sealed
 * as far as it is valid, with the torn bytes recorded, and writing continues in a new segment.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { summarizeParsed } from './checkpoint';
import { parseSegmentFileName } from './files';
import { sha256 } from './merkle';
import { reopenSegment, type PartitionState, type SegmentToSeal } from './segment-file';
import { parseSegment } from './segment-parse';
import type { SegmentSummary } from './checkpoint';
import type { TornTail } from './types';

export interface SealItem {
  seg: SegmentToSeal;
  /** the covered bytes */
  data: Buffer;
  sha256: string;
  summary: SegmentSummary;
  tornTail: TornTail | null;
}

export interface RecoveryHooks {
  segmentRoot: string;
  eventIds: Set<string>;
  seal(items: SealItem[], now: Date): Promise<string[]>;
  discardSealedLocalFile(partition: number, file: string): Promise<void>;
  handleEmptyTornFile(item: SealItem & { tornTail: TornTail }): Promise<void>;
  mustSealOnRecovery(item: SealItem): boolean;
}

export async function recoverPartition(state: PartitionState, files: string[], hooks: RecoveryHooks): Promise<void> {
  const dir = path.join(hooks.segmentRoot, `p${state.partition}`);
  for (let i = 0; i < files.length; i += 1) {
    const name = files[i] as string;
    const file = path.join(dir, name);
    const parsedName = parseSegmentFileName(name);
    if (!parsedName) continue;
    const data = await fsp.readFile(file);
    if (parsedName.firstSeq < state.nextSeq) {
      await hooks.discardSealedLocalFile(state.partition, file);
      continue;
    }
    if (parsedName.firstSeq > state.nextSeq) {
      throw new Error(`audit segment ${file} starts at seq ${parsedName.firstSeq} but the partition continues at ${state.nextSeq}; refusing to write`);
    }
    const seg: SegmentToSeal = { partition: state.partition, name, path: file, firstSeq: state.nextSeq, prevChainHead: state.chainHead };
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
    for (const r of parsed.records) hooks.eventIds.add(r.line.record.eventId);
    const summary = summarizeParsed(parsed);
    if (parsed.problem) {
      const tornBytes = data.subarray(parsed.validBytes);
      const torn: TornTail = { bytes: tornBytes.length, sha256: sha256(tornBytes).toString('hex') };
      const covered = data.subarray(0, parsed.validBytes);
      const item = { seg, data: covered, sha256: sha256(covered).toString('hex'), summary, tornTail: torn };
      if (parsed.records.length === 0) await hooks.handleEmptyTornFile(item);
      else await hooks.seal([item], new Date());
      state.pendingGap = {
        detectedAt: new Date().toISOString(),
        nextSeq: parsed.nextSeq,
        previousSegment: `p${state.partition}/${name}`,
        tornBytes: torn.bytes,
        tornSha256: torn.sha256,
      };
    } else {
      const item: SealItem = { seg, data, sha256: sha256(data).toString('hex'), summary, tornTail: null };
      if ((!isLast || hooks.mustSealOnRecovery(item)) && parsed.records.length > 0) {
        await hooks.seal([item], new Date());
      } else if (!isLast) {
        continue;
      } else {
        state.open = await reopenSegment(state, name, file, data, parsed);
        if (parsed.gap) state.pendingGap = null;
      }
    }
    state.nextSeq = parsed.nextSeq;
    state.chainHead = parsed.chainHead;
    state.lastOffset = parsed.lastOffset;
    state.lastName = name;
  }
}
