/**
 * Signed heads of the fs store, like a transparency log's signed tree head: every few seconds the
 * sink signs, per partition that changed, how many records it holds and the chain hash after the
 * last one — the open segment included, so the newest records are covered long before their
 * segment is sealed. Heads go to `<checkpointDir>/heads.jsonl`, one per line, and each line commits to
 * the one before it (`prev` = SHA-256 of the previous line), so a line cannot be dropped or moved
 * without breaking every later one. Signed over "stateset-audit-head-v1\n" || canonicalJson(head).
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from './canonical';
import { sha256 } from './merkle';
import { keyFor, type TrustedKeys } from './checkpoint';

export const HEAD_DOMAIN = 'stateset-audit-head-v1\n';
export const HEAD_LOG = 'heads.jsonl';
export const GENESIS_LINE_HASH = '0'.repeat(64);

export interface TreeHead {
  version: 1;
  partition: number;
  /** records stored in the partition (the next record's seq) */
  records: number;
  lastOffset: string | null;
  /** hex chain hash after record `records - 1` */
  chainHead: string;
  at: string;
  /** hex SHA-256 of the previous line of the log (newline included); zeros for the first */
  prev: string;
}

export interface SignedHead {
  head: TreeHead;
  keyId: string;
  signature: string;
}

export function headLogPath(checkpointDir: string): string {
  return path.join(checkpointDir, HEAD_LOG);
}

function signingInput(head: TreeHead): Buffer {
  return Buffer.from(HEAD_DOMAIN + canonicalJson(head), 'utf8');
}

export function signHead(head: TreeHead, keys: { privateKey: KeyObject; keyId: string }): SignedHead {
  return { head, keyId: keys.keyId, signature: sign(null, signingInput(head), keys.privateKey).toString('base64') };
}

export function verifyHeadSignature(sh: SignedHead, trust: TrustedKeys): boolean {
  const publicKey = keyFor(trust, sh.keyId);
  if (!publicKey) return false;
  try {
    const sig = Buffer.from(sh.signature, 'base64');
    return sig.length === 64 && verify(null, signingInput(sh.head), publicKey, sig);
  } catch {
    return false;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

function parseSignedHead(text: string): SignedHead | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { head: h, keyId, signature } = v as Partial<Record<'head' | 'keyId' | 'signature', unknown>>;
  if (typeof h !== 'object' || h === null || typeof keyId !== 'string' || typeof signature !== 'string') return null;
  const head = h as Record<string, unknown>;
  const ok =
    head.version === 1 &&
    Number.isSafeInteger(head.partition) &&
    Number.isSafeInteger(head.records) &&
    (head.lastOffset === null || (typeof head.lastOffset === 'string' && /^(0|[1-9][0-9]*)$/.test(head.lastOffset))) &&
    typeof head.chainHead === 'string' &&
    HEX64.test(head.chainHead) &&
    typeof head.at === 'string' &&
    typeof head.prev === 'string' &&
    HEX64.test(head.prev);
  if (!ok) return null;
  const tree: TreeHead = {
    version: 1,
    partition: head.partition as number,
    records: head.records as number,
    lastOffset: head.lastOffset as string | null,
    chainHead: head.chainHead as string,
    at: head.at as string,
    prev: head.prev as string,
  };
  return { head: tree, keyId, signature };
}

export interface HeadLog {
  /** the newest head of each partition */
  latest: Map<number, SignedHead>;
  /** the first line that is malformed or does not commit to the line before it */
  broken: { line: number; reason: string } | null;
  /** SHA-256 of the last complete line (what the next head commits to) */
  lastLineHash: string;
  /** the log ends in a partial line (a crash while appending) */
  tornTail: boolean;
}

/** Reads and checks the chain of the head log (signatures are checked by the verifier, which holds the trusted key). */
export async function readHeadLog(checkpointDir: string): Promise<HeadLog> {
  let buf: Buffer;
  try {
    buf = await fsp.readFile(headLogPath(checkpointDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { latest: new Map(), broken: null, lastLineHash: GENESIS_LINE_HASH, tornTail: false };
    throw e;
  }
  const latest = new Map<number, SignedHead>();
  let broken: HeadLog['broken'] = null;
  let prev = GENESIS_LINE_HASH;
  let pos = 0;
  for (let n = 1; ; n += 1) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const line = buf.subarray(pos, nl + 1);
    const text = line.toString('utf8', 0, line.length - 1);
    pos = nl + 1;
    // A line that is not a head (a partial line a crash left, terminated at the next start) is
    // skipped but still hashed: the next head commits to it, so replacing a real head by anything
    // breaks the chain at the following line.
    const sh = parseSignedHead(text);
    if (sh && !broken && sh.head.prev !== prev)
      broken = { line: n, reason: `line ${n} does not commit to the line before it (lines removed, reordered or inserted)` };
    if (sh && !broken) latest.set(sh.head.partition, sh);
    prev = sha256(line).toString('hex');
  }
  return { latest, broken, lastLineHash: prev, tornTail: pos < buf.length };
}
