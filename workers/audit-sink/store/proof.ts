/**
 * Inclusion proofs: show that the record with a given eventId is leaf `leafIndex` of a sealed segment
 * whose RFC 6962 root is signed in a checkpoint. Only sealed segments can be proven.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { parseSegment } from './segment-parse';
import { resolveTrustedKeys, verifyCheckpointSignature, type TrustedKeys } from './checkpoint';
import { hashLeaf, inclusionProof, rootFromInclusionProof } from './merkle';
import type { InclusionProof, WormStoreConfig } from './types';
import { snapshotStore } from './verify';

/**
 * Builds the inclusion proof of `eventId`, or returns null when it is not in a sealed segment
 * (not stored, or still in the open segment). Does not verify the whole store — run verifyStore for that.
 */
export async function createInclusionProof(config: WormStoreConfig, eventId: string, opts: { client?: S3Client } = {}): Promise<InclusionProof | null> {
  const snap = await snapshotStore(config, opts.client);
  for (const partition of [...snap.partitions.keys()].sort((a, b) => a - b)) {
    for (const item of snap.partitions.get(partition) ?? []) {
      const sc = item.checkpoints[0];
      if (!sc) continue;
      const cp = sc.checkpoint;
      const data = await item.load();
      if (!data || !data.includes(eventId)) continue;
      const parsed = parseSegment(data.subarray(0, cp.bytes), {
        partition,
        firstSeq: cp.firstSeq,
        prevChainHead: Buffer.from(cp.prevChainHead, 'hex'),
        lastOffset: null,
        allowGapLine: true,
      });
      const idx = parsed.records.findIndex((r) => r.line.record.eventId === eventId);
      if (idx < 0) continue;
      const leaves = parsed.records.map((r) => r.leafHash);
      const rec = parsed.records[idx] as (typeof parsed.records)[number];
      return {
        eventId,
        partition,
        segment: item.name,
        leafIndex: idx,
        leafHash: rec.leafHash.toString('hex'),
        auditPath: inclusionProof(leaves, idx).map((h) => h.toString('hex')),
        line: rec.raw,
        checkpoint: sc,
      };
    }
  }
  return null;
}

export type ProofCheck = { ok: true } | { ok: false; reason: string };

/** Self-contained check of a proof against trusted public keys (KeyObject, PEM text or PEM path; several after a rotation). */
export async function verifyInclusionProof(proof: InclusionProof, publicKey: TrustedKeys | string | readonly string[]): Promise<ProofCheck> {
  const key =
    typeof publicKey === 'string' || Array.isArray(publicKey) ? await resolveTrustedKeys(publicKey as string | readonly string[]) : (publicKey as TrustedKeys);
  const sc = proof.checkpoint;
  const cp = sc.checkpoint;
  if (!verifyCheckpointSignature(sc, key)) return { ok: false, reason: 'checkpoint signature does not verify' };
  if (cp.partition !== proof.partition || cp.segment !== proof.segment) {
    return { ok: false, reason: 'proof partition/segment differ from the checkpoint' };
  }
  let line: unknown;
  try {
    line = JSON.parse(proof.line) as unknown;
  } catch {
    return { ok: false, reason: 'line is not JSON' };
  }
  const l = line as { record?: { eventId?: unknown }; partition?: unknown; seq?: unknown };
  if (l.record?.eventId !== proof.eventId) return { ok: false, reason: 'line is not the record of eventId' };
  if (l.partition !== proof.partition) return { ok: false, reason: 'line is for another partition' };
  if (l.seq !== cp.firstSeq + proof.leafIndex) return { ok: false, reason: 'line seq does not match the leaf index' };
  const leaf = hashLeaf(proof.line);
  if (leaf.toString('hex') !== proof.leafHash) return { ok: false, reason: 'leafHash is not the hash of line' };
  const hex = /^[0-9a-f]{64}$/;
  if (!proof.auditPath.every((h) => hex.test(h))) return { ok: false, reason: 'malformed audit path' };
  const root = rootFromInclusionProof(
    proof.leafIndex,
    cp.count,
    leaf,
    proof.auditPath.map((h) => Buffer.from(h, 'hex')),
  );
  if (!root || root.toString('hex') !== cp.merkleRoot) return { ok: false, reason: 'audit path does not lead to the signed Merkle root' };
  return { ok: true };
}
