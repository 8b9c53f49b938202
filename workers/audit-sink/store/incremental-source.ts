/** What the incremental verifier needs from a store kind (incremental-fs.ts, incremental-s3.ts). */
import type { ChainPosition, VerifyFailure } from './segment-check';
import type { SignedCheckpoint } from './types';

/** Where a checkpoint's bytes are, and their SHA-256 when verified (fs: a log line; s3: an object). */
export type CheckpointRef = { start: number; end: number; sha256: string } | { key: string; sha256: string };

export interface NewCheckpoint {
  sc: SignedCheckpoint;
  ref: CheckpointRef;
}

export interface VerifiedSegment {
  partition: number;
  name: string;
  sc: SignedCheckpoint;
  /** chain position before the segment (to re-examine it alone) */
  before: ChainPosition;
  ref: CheckpointRef;
}

export type NewCheckpoints =
  | { checkpoints: NewCheckpoint[]; warnings: string[] }
  /** what was read before is no longer there (e.g. the log shrank): the caller re-reads everything */
  | { changed: string }
  | { failure: VerifyFailure };

export interface OpenSegmentRead {
  name: string;
  data: Buffer;
  /** false: open; 'checkpointed': sealed since the checkpoints were read (checked next run); 'no-checkpoint': read-only without one */
  sealed: false | 'checkpointed' | 'no-checkpoint';
}

export interface IncrementalSource {
  readonly kind: 'fs' | 's3';
  /** the checkpoint log / prefix, for failures that concern it as a whole */
  readonly checkpointLocation: string;
  /** partitions that exist (also those without any sealed segment yet) */
  partitions(): Promise<number[]>;
  /** checkpoints that appeared since the last call, in chain order per partition */
  newCheckpoints(): Promise<NewCheckpoints>;
  /** 'same' when the checkpoint's bytes are still those verified */
  recheckCheckpoint(ref: CheckpointRef, partition: number, segment: string): Promise<'same' | 'changed' | VerifyFailure>;
  /** every checkpoint as stored now, by segment (only after a change was seen: O(store)) */
  allCheckpoints(): Promise<Map<string, SignedCheckpoint[]>>;
  /** null when missing */
  loadSegment(segment: string): Promise<Buffer | null>;
  /** s3: exactly one version, no delete marker, Object Lock COMPLIANCE */
  checkObjects?(partition: number, segment: string): Promise<VerifyFailure | null>;
  /** fs: the open segment that follows `lastSealed` (at `nextSeq`), if there is one */
  openSegment?(partition: number, lastSealed: string | null, nextSeq: number): Promise<OpenSegmentRead | null>;
}
