/**
 * Incremental verification, for the sink's periodic check: its cost per run depends on what was
 * sealed since the last run, not on the size of the store. Each run
 *  1. reads only the checkpoints that appeared since the last run (fs: the log from the byte position
 *     reached; s3: keys after the last one seen) and verifies the segments they seal, in chain order,
 *     from the last verified state (signature, continuity of firstSeq / prevChainHead, every line,
 *     chain, Merkle root, SHA-256, offsets, trailing bytes: the same checks as the full verifier);
 *  2. checks the open fs segment of each caught-up partition (chain only, bounded by the segment size);
 *  3. re-checks a bounded sample of segments verified in earlier runs: half by a rotating cursor (every
 *     segment is re-checked within ⌈n / (k/2)⌉ runs), half at random (unpredictable). A re-check
 *     compares the checkpoint's bytes and the segment's covered SHA-256 with what was verified; on a
 *     difference the segment (or the whole checkpoint log) is examined to name kind and sequence.
 * The verified state is in memory: after a restart the first runs catch up from genesis, at most
 * `maxNewSegments` per run. Not checked here (the full `stateset audit verify` does): eventIds unique
 * across segments, stray files or objects that no checkpoint names.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { randomInt, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical';
import type { TrustedKeys } from './checkpoint';
import { GENESIS_HASH } from './chain';
import { FsIncrementalSource } from './incremental-fs';
import { S3IncrementalSource } from './incremental-s3';
import type { IncrementalSource, NewCheckpoint, VerifiedSegment } from './incremental-source';
import { sha256 } from './merkle';
import { checkCheckpoints, checkSegmentData, checkTrailing, failure, type ChainPosition, type VerifyFailure } from './segment-check';
import type { GapReport, SignedCheckpoint, WormStoreConfig } from './types';
import { storeLocation, trustedPublicKey } from './verify';
import { seededRandom } from '../../../shared/seeded-random';

export interface IncrementalVerifyOptions {
  /** trusted checkpoint key (default: the store's own key files, as verifyStore) */
  publicKey?: KeyObject | string | readonly string[];
  /** segments verified in earlier runs that each run re-checks (default 16) */
  sampleSegments?: number;
  /** new segments verified per run at most; the rest waits for the next run (default 2000) */
  maxNewSegments?: number;
  /** seed of the random half of the sample (tests); default: random */
  seed?: number;
  client?: S3Client;
}

export type IncrementalResult =
  | {
      ok: true;
      newSegments: number;
      newRecords: number;
      openRecords: number;
      /** names of the earlier segments re-checked by this run */
      sampled: string[];
      /** sealed segments seen but left for the next run (budget) */
      pendingSegments: number;
      verifiedSegments: number;
      verifiedRecords: number;
      gaps: GapReport[];
      warnings: string[];
    }
  | VerifyFailure;

interface Progress {
  pos: ChainPosition;
  lastName: string | null;
  pending: NewCheckpoint[];
}

const sameCheckpoint = (a: SignedCheckpoint, b: SignedCheckpoint): boolean =>
  canonicalJson({ ...a.checkpoint, sealedAt: '' }) === canonicalJson({ ...b.checkpoint, sealedAt: '' });

export class IncrementalVerifier {
  private key: TrustedKeys | null = null;
  private readonly source: IncrementalSource;
  private readonly parts = new Map<number, Progress>();
  private readonly verified: VerifiedSegment[] = [];
  private readonly byName = new Map<string, VerifiedSegment>();
  private readonly random: () => number;
  private cursor = 0;
  private records = 0;
  /** tampering found: every later run reports it again (nothing is ever repaired) */
  private failed: VerifyFailure | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: WormStoreConfig,
    private readonly opts: IncrementalVerifyOptions = {},
  ) {
    this.source = config.kind === 'fs' ? new FsIncrementalSource(config) : new S3IncrementalSource(config, opts.client);
    this.random = seededRandom(opts.seed ?? randomInt(2 ** 31));
  }

  /** One verification run (runs are serialised). */
  run(): Promise<IncrementalResult> {
    const run = this.queue.then(() => this.runOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOnce(): Promise<IncrementalResult> {
    if (this.failed) return this.failed;
    try {
      const res = await this.verify();
      if (!res.ok && res.kind !== 'io-error') this.failed = res;
      return res;
    } catch (e) {
      return failure(null, storeLocation(this.config), null, 'io-error', (e as Error).message);
    }
  }

  private progress(partition: number): Progress {
    let p = this.parts.get(partition);
    if (!p) {
      p = { pos: { seq: 0, chain: GENESIS_HASH, lastOffset: null, prevTorn: null }, lastName: null, pending: [] };
      this.parts.set(partition, p);
    }
    return p;
  }

  private async verify(): Promise<IncrementalResult> {
    this.key ??= await trustedPublicKey(this.config, this.opts.publicKey);
    const key = this.key;
    const earlier = this.verified.length;
    const fresh = await this.source.newCheckpoints();
    if ('failure' in fresh) return fresh.failure;
    if ('changed' in fresh) return this.locate(key, fresh.changed);
    for (const nc of fresh.checkpoints) this.progress(nc.sc.checkpoint.partition).pending.push(nc);
    for (const p of await this.source.partitions()) this.progress(p);

    let budget = this.opts.maxNewSegments ?? 2000;
    let newSegments = 0;
    let newRecords = 0;
    let openRecords = 0;
    const gaps: GapReport[] = [];
    for (const partition of [...this.parts.keys()].sort((a, b) => a - b)) {
      const prog = this.progress(partition);
      while (prog.pending.length > 0 && budget > 0) {
        const nc = prog.pending[0] as NewCheckpoint;
        const cp = nc.sc.checkpoint;
        const ref = { kind: this.source.kind, partition, name: cp.segment };
        const done = this.byName.get(cp.segment);
        if (done) {
          // the same segment sealed twice (a repaired torn checkpoint line): it must state the same
          const check = checkCheckpoints(ref, [nc.sc], done.before, key);
          if (check && 'ok' in check) return check;
          if (!sameCheckpoint(nc.sc, done.sc))
            return failure(partition, cp.segment, cp.firstSeq, 'checkpoint-mismatch', 'several different checkpoints for one segment');
          prog.pending.shift();
          continue;
        }
        const check = checkCheckpoints(ref, [nc.sc], prog.pos, key);
        if (check && 'ok' in check) return check;
        const objects = this.source.checkObjects ? await this.source.checkObjects(partition, cp.segment) : null;
        if (objects) return objects;
        const data = await this.source.loadSegment(cp.segment);
        if (data === null) return failure(partition, cp.segment, cp.firstSeq, 'missing-segment', 'segment is missing but its checkpoint exists');
        const res = checkSegmentData(ref, cp, data, prog.pos, new Set());
        if (!res.ok) return res;
        const v: VerifiedSegment = { partition, name: cp.segment, sc: nc.sc, before: prog.pos, ref: nc.ref };
        this.verified.push(v);
        this.byName.set(v.name, v);
        if (res.gap) gaps.push(res.gap);
        prog.pending.shift();
        prog.pos = res.next;
        prog.lastName = cp.segment;
        this.records += res.records;
        newRecords += res.records;
        newSegments += 1;
        budget -= 1;
      }
      if (prog.pending.length === 0 && this.source.openSegment) {
        const open = await this.source.openSegment(partition, prog.lastName, prog.pos.seq);
        if (open && open.sealed === false) {
          const res = checkSegmentData({ kind: this.source.kind, partition, name: open.name }, undefined, open.data, prog.pos, new Set());
          if (!res.ok) return res;
          if (res.gap) gaps.push(res.gap);
          openRecords += res.records;
        } else if (open?.sealed === 'no-checkpoint') {
          return failure(partition, open.name, prog.pos.seq, 'missing-checkpoint', 'segment is read-only (sealed) but has no checkpoint');
        }
      }
    }

    const sampled = this.pickSample(earlier);
    for (const v of sampled) {
      const bad = await this.recheck(v, key);
      if (bad) return bad;
    }
    const pendingSegments = [...this.parts.values()].reduce((n, p) => n + p.pending.length, 0);
    return {
      ok: true,
      newSegments,
      newRecords,
      openRecords,
      sampled: sampled.map((v) => v.name),
      pendingSegments,
      verifiedSegments: this.verified.length,
      verifiedRecords: this.records,
      gaps,
      warnings: fresh.warnings,
    };
  }

  /** Up to k of the first `n` verified segments: half from the rotating cursor, half at random. */
  private pickSample(n: number): VerifiedSegment[] {
    const k = Math.max(0, this.opts.sampleSegments ?? 16);
    if (n <= k) return this.verified.slice(0, n);
    const picked = new Set<number>();
    const rotating = Math.ceil(k / 2);
    for (let i = 0; i < rotating; i += 1) picked.add((this.cursor + i) % n);
    this.cursor = (this.cursor + rotating) % n;
    while (picked.size < k) picked.add(Math.floor(this.random() * n));
    return [...picked].sort((a, b) => a - b).map((i) => this.verified[i] as VerifiedSegment);
  }

  /** Is a segment verified earlier still exactly what was verified? */
  private async recheck(v: VerifiedSegment, key: TrustedKeys): Promise<VerifyFailure | null> {
    const cpState = await this.source.recheckCheckpoint(v.ref, v.partition, v.name);
    if (cpState === 'changed') return this.locate(key, `the checkpoint of ${v.name} changed after it was verified`);
    if (cpState !== 'same') return cpState;
    const objects = this.source.checkObjects ? await this.source.checkObjects(v.partition, v.name) : null;
    if (objects) return objects;
    const cp = v.sc.checkpoint;
    const data = await this.source.loadSegment(v.name);
    if (data === null) return failure(v.partition, v.name, cp.firstSeq, 'missing-segment', 'segment is missing but its checkpoint exists');
    const ref = { kind: this.source.kind, partition: v.partition, name: v.name };
    const intact =
      data.length >= cp.bytes && sha256(data.subarray(0, cp.bytes)).toString('hex') === cp.sha256 && !checkTrailing(ref, cp, data, cp.firstSeq + cp.count);
    if (intact) return null;
    const res = checkSegmentData(ref, cp, data, v.before, new Set());
    return res.ok ? failure(v.partition, v.name, cp.firstSeq, 'content-hash-mismatch', 'segment changed after it was verified') : res;
  }

  /** The checkpoints changed under us: read them all again and name the first verified segment affected. */
  private async locate(key: TrustedKeys, why: string): Promise<VerifyFailure> {
    const current = await this.source.allCheckpoints();
    for (const partition of [...this.parts.keys()].sort((a, b) => a - b)) {
      for (const v of this.verified.filter((x) => x.partition === partition)) {
        const cps = current.get(v.name) ?? [];
        const ref = { kind: this.source.kind, partition, name: v.name };
        if (cps.length === 0) return failure(partition, v.name, v.before.seq, 'missing-checkpoint', `sealed segment has no checkpoint any more (${why})`);
        const check = checkCheckpoints(ref, cps, v.before, key);
        if (check && 'ok' in check) return check;
        if (!cps.every((sc) => sameCheckpoint(sc, v.sc)))
          return failure(partition, v.name, v.sc.checkpoint.firstSeq, 'checkpoint-mismatch', `checkpoint differs from the one verified (${why})`);
      }
    }
    return failure(
      null,
      this.source.checkpointLocation,
      null,
      'checkpoint-mismatch',
      `${why}; the verified checkpoints are intact but the append-only record of them was rewritten`,
    );
  }
}
