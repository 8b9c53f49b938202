/**
 * Types of the WORM audit store. `AuditRecord` is the platform's one TS shape of
 * schemas/audit/AuditRecord.avsc (shared/audit/record.ts).
 */

import type { AuditOutcome, AuditRecord } from '../../../shared/audit/record';

export type { AuditOutcome, AuditRecord } from '../../../shared/audit/record';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

/** Field names of AuditRecord in schema order. */
export const AUDIT_RECORD_FIELDS = [
  'eventId',
  'occurredAt',
  'tenantId',
  'principal',
  'action',
  'resourceType',
  'resourceId',
  'outcome',
  'requestId',
  'operationId',
  'sourceIp',
  'userAgent',
  'details',
] as const;

/** Nullable (union with null) fields of AuditRecord. */
export const AUDIT_NULLABLE_FIELDS = [
  'tenantId',
  'principal',
  'resourceType',
  'resourceId',
  'requestId',
  'operationId',
  'sourceIp',
  'userAgent',
  'details',
] as const;

/** One Kafka message of `stateset.audit`: partition, offset (int64 as decimal string) and decoded record. */
export interface AuditEntry {
  partition: number;
  offset: string;
  record: AuditRecord;
}

export interface SealedInfo {
  partition: number;
  segment: string;
  records: number;
  at: Date;
}

export interface WormStore {
  /** open/recover; detects torn tails */
  init(): Promise<void>;
  /**
   * Durable when it resolves (fsync per batch / object written); idempotent on re-delivery
   * (skips offsets already stored for that partition, and eventIds already stored).
   */
  append(entries: AuditEntry[]): Promise<void>;
  /** highest offset durably stored for the partition, or null */
  committedOffset(partition: number): Promise<string | null>;
  /** seal segments older than maxSegmentAgeMs or bigger than maxSegmentRecords */
  sealDue(now?: Date): Promise<void>;
  /** fs: sign a head over what each changed partition holds, open segment included */
  signHeads?(now?: Date): Promise<void>;
  /** seals nothing silently; flushes and releases files */
  close(): Promise<void>;
  onSealed?: (info: SealedInfo) => void;
}

export type FsWormStoreConfig = {
  kind: 'fs';
  dir: string;
  checkpointDir: string;
  signingKeyPath?: string;
  /** public keys (PEM paths) of earlier signing keys: their checkpoints stay verifiable after a rotation */
  previousPublicKeyPaths?: readonly string[];
  maxSegmentRecords: number;
  maxSegmentAgeMs: number;
};

export type S3WormStoreConfig = {
  kind: 's3';
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  prefix: string;
  retentionDays: number;
  signingKeyPath?: string;
  /** public keys (PEM paths) of earlier signing keys: their checkpoints stay verifiable after a rotation */
  previousPublicKeyPaths?: readonly string[];
  maxSegmentRecords: number;
  maxSegmentAgeMs: number;
  stagingDir: string;
};

export type WormStoreConfig = FsWormStoreConfig | S3WormStoreConfig;

/** Bytes that were found torn (incomplete / unparsable) at the end of a segment after a crash. */
export interface TornTail {
  /** byte length of the torn tail (kept in the fs segment file after `bytes`; never uploaded to S3) */
  bytes: number;
  /** hex SHA-256 of the torn bytes */
  sha256: string;
}

/** The statement signed for every sealed segment. All hashes are lowercase hex. */
export interface Checkpoint {
  version: 1;
  store: 'fs' | 's3';
  partition: number;
  /** segment name relative to the store root: `p<partition>/<...>.seg` */
  segment: string;
  firstSeq: number;
  count: number;
  firstOffset: string | null;
  lastOffset: string | null;
  /** chain hash before the first record of the segment */
  prevChainHead: string;
  /** chain hash after the last record of the segment (= prevChainHead when count is 0) */
  chainHead: string;
  /** RFC 6962 root over the record lines of the segment */
  merkleRoot: string;
  /** byte length of the segment content covered by this checkpoint */
  bytes: number;
  /** SHA-256 of those bytes */
  sha256: string;
  /** non-null when the segment was sealed by crash recovery with a torn tail */
  tornTail: TornTail | null;
  /** RFC 3339 */
  sealedAt: string;
  /**
   * fs store: hex SHA-256 of the previous line of the checkpoint log (zeros for the first), so the
   * log's lines commit to each other and cannot be reordered or dropped unseen. Absent on s3 and in
   * checkpoints written before it existed.
   */
  prevLine?: string;
}

export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  /** hex SHA-256 of the signer's SPKI DER public key */
  keyId: string;
  /** base64 Ed25519 signature over checkpointSigningInput(checkpoint) */
  signature: string;
}

export type ProblemKind =
  | 'malformed-line'
  | 'non-canonical-line'
  | 'sequence-mismatch'
  | 'partition-mismatch'
  | 'offset-order'
  | 'duplicate-event'
  | 'chain-mismatch'
  | 'torn-tail'
  | 'truncated'
  | 'trailing-data'
  | 'content-hash-mismatch'
  | 'merkle-mismatch'
  | 'count-mismatch'
  | 'missing-segment'
  | 'missing-checkpoint'
  | 'bad-signature'
  | 'checkpoint-mismatch'
  | 'unexplained-gap'
  | 'unexpected-object'
  | 'extra-version'
  | 'delete-marker'
  | 'not-locked'
  | 'io-error'
  | 'behind-head'
  | 'head-mismatch'
  | 'head-log-broken'
  | 'checkpoint-log-broken'
  | 'behind-kafka'
  | 'behind-index'
  | 'anchor-unavailable';

export interface PartitionHead {
  partition: number;
  records: number;
  /** Kafka offset of the last stored record, or null when the partition holds none */
  lastOffset: string | null;
}

export interface GapReport {
  partition: number;
  segment: string;
  /** the sequence number the gap sits before */
  sequence: number;
  bytes: number;
  kind: 'recovered-torn-tail' | 'open-torn-tail';
}

export type VerifyResult =
  | {
      ok: true;
      partitions: number;
      segments: number;
      records: number;
      /** recovered (or not yet recovered) torn writes; never data that was acknowledged */
      gaps: GapReport[];
      warnings: string[];
      /** where each partition's verified chain ends: what an outside anchor is compared with */
      heads: PartitionHead[];
    }
  | {
      ok: false;
      partition: number | null;
      segment: string;
      sequence: number | null;
      kind: ProblemKind;
      reason: string;
    };

export interface InclusionProof {
  eventId: string;
  partition: number;
  segment: string;
  leafIndex: number;
  /** hex RFC 6962 leaf hash of `line` */
  leafHash: string;
  /** hex sibling hashes, leaf to root */
  auditPath: string[];
  /** the canonical segment line (without the trailing newline) that is the Merkle leaf */
  line: string;
  checkpoint: SignedCheckpoint;
}
