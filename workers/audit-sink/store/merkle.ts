/**
 * RFC 6962 (§2.1) Merkle tree over SHA-256.
 *   leaf hash  = SHA-256(0x00 || data)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two < n
 * Inclusion proofs are RFC 6962 audit paths (§2.1.1); verification follows RFC 9162 §2.1.3.2.
 */
import { createHash, hash } from 'node:crypto';

export const HASH_SIZE = 32;

export function sha256(...parts: (Buffer | Uint8Array | string)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function hashLeaf(data: Buffer | Uint8Array | string): Buffer {
  // one-shot for text (the stores' lines): U+0000 is the single byte 0x00 in UTF-8
  if (typeof data === 'string') return hash('sha256', `\u0000${data}`, 'buffer');
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function hashChildren(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function emptyRoot(): Buffer {
  return sha256(Buffer.alloc(0));
}

/** Largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  if (n < 2) throw new RangeError('splitPoint requires n >= 2');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(leaves: readonly Buffer[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 1) return leaves[lo] as Buffer;
  const k = splitPoint(n);
  return hashChildren(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

/** MTH over already-hashed leaves (use hashLeaf on the data first). */
export function rootFromLeafHashes(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/** MTH over raw leaf data. */
export function merkleRoot(data: readonly (Buffer | Uint8Array | string)[]): Buffer {
  return rootFromLeafHashes(data.map((d) => hashLeaf(d)));
}

function path(leaves: readonly Buffer[], m: number, lo: number, hi: number): Buffer[] {
  const n = hi - lo;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(leaves, m, lo, lo + k), subtreeRoot(leaves, lo + k, hi)];
  return [...path(leaves, m - k, lo + k, hi), subtreeRoot(leaves, lo, lo + k)];
}

/** RFC 6962 PATH(m, D[n]): sibling hashes from the leaf up to the root. */
export function inclusionProof(leafHashes: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError(`leaf index ${index} out of range for tree of size ${leafHashes.length}`);
  }
  return path(leafHashes, index, 0, leafHashes.length);
}

/**
 * Root implied by an audit path (RFC 9162 §2.1.3.2). Returns null when the path has the wrong
 * shape for (index, size).
 */
export function rootFromInclusionProof(index: number, size: number, leafHash: Buffer, auditPath: readonly Buffer[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leafHash.length !== HASH_SIZE) return null;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leafHash;
  for (const p of auditPath) {
    if (p.length !== HASH_SIZE) return null;
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return null;
  return r;
}

export function verifyInclusion(index: number, size: number, leafHash: Buffer, auditPath: readonly Buffer[], root: Buffer): boolean {
  const computed = rootFromInclusionProof(index, size, leafHash, auditPath);
  return computed !== null && root.length === HASH_SIZE && computed.equals(root);
}
