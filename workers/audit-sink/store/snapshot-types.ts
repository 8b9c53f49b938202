/** What the verifier sees of a store: per partition, its segments in order with their checkpoints. */
import type { VerifyFailure } from './segment-check';
import type { HeadLog } from './signed-head';
import type { SignedCheckpoint } from './types';

export interface SegmentItem {
  /** `p<N>/<file>.seg` */
  name: string;
  checkpoints: SignedCheckpoint[];
  /** null when the segment file/object is missing */
  load(): Promise<Buffer | null>;
  /** fs: file mode is 0444 (a sealed segment); s3: always true */
  sealedHint(): Promise<boolean>;
  /** extra per-object check (s3 Object Lock), returns a failure or null */
  check?(): Promise<VerifyFailure | null>;
}

export interface StoreSnapshot {
  kind: 'fs' | 's3';
  partitions: Map<number, SegmentItem[]>;
  warnings: string[];
  /** a problem found while listing (s3 versions, unexpected objects) */
  failure: VerifyFailure | null;
  /** fs: the signed head log (newest head per partition, and where its chain breaks, if it does) */
  heads?: HeadLog;
  /** fs: where the checkpoint log's lines stop committing to each other, if they do */
  checkpointChainBreak?: { line: number; reason: string } | null;
}

export function groupCheckpoints(checkpoints: SignedCheckpoint[]): Map<string, SignedCheckpoint[]> {
  const m = new Map<string, SignedCheckpoint[]>();
  for (const sc of checkpoints) {
    const list = m.get(sc.checkpoint.segment) ?? [];
    list.push(sc);
    m.set(sc.checkpoint.segment, list);
  }
  return m;
}
