/**
 * Signed checkpoints: one per sealed segment, Ed25519 (Node crypto) over
 *   "stateset-audit-checkpoint-v1\n" || canonicalJson(checkpoint)
 * Keys: PKCS8 PEM private key loaded from `signingKeyPath`, or generated on first use into
 * `<dataDir>/keys/checkpoint-signing.pem` (mode 0600) with the SPKI public key exported next to it
 * as `checkpoint-signing.pub.pem`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from './canonical';
import { rootFromLeafHashes, sha256 } from './merkle';
import type { ParsedSegment } from './segment-parse';
import type { Checkpoint, SignedCheckpoint, TornTail } from './types';

export const CHECKPOINT_DOMAIN = 'stateset-audit-checkpoint-v1\n';
export const DEFAULT_KEY_FILE = path.join('keys', 'checkpoint-signing.pem');

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  privateKeyPath: string;
  publicKeyPath: string;
}

export function publicKeyPathFor(privateKeyPath: string): string {
  return privateKeyPath.replace(/\.pem$/, '') + '.pub.pem';
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
}

function assertEd25519(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${where}: expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

async function writeNewFile(p: string, data: string, mode: number): Promise<void> {
  const fh = await fsp.open(p, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Loads the signing key. With `signingKeyPath` the file must exist (PKCS8 PEM, Ed25519).
 * Without it, `<dataDir>/keys/checkpoint-signing.pem` is used and generated when missing.
 */
export async function loadOrCreateSigningKey(opts: { signingKeyPath?: string; dataDir: string }): Promise<SigningKeys> {
  const privateKeyPath = opts.signingKeyPath ?? path.join(opts.dataDir, DEFAULT_KEY_FILE);
  const publicKeyPath = publicKeyPathFor(privateKeyPath);
  if (!(await exists(privateKeyPath))) {
    if (opts.signingKeyPath !== undefined) throw new Error(`audit signing key not found at ${privateKeyPath}`);
    await fsp.mkdir(path.dirname(privateKeyPath), { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeNewFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    if (!(await exists(publicKeyPath))) {
      await writeNewFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
    }
    const dir = await fsp.open(path.dirname(privateKeyPath), 'r');
    await dir.sync().finally(() => dir.close());
  }
  const privateKey = createPrivateKey(await fsp.readFile(privateKeyPath));
  assertEd25519(privateKey, privateKeyPath);
  const publicKey = createPublicKey(privateKey);
  if (!(await exists(publicKeyPath))) {
    await writeNewFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  }
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), privateKeyPath, publicKeyPath };
}

/** Accepts a KeyObject (public or private), a PEM string, or a path to a PEM file. */
export async function resolvePublicKey(key: KeyObject | string): Promise<KeyObject> {
  if (typeof key !== 'string') {
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    assertEd25519(pub, 'public key');
    return pub;
  }
  const pem = key.includes('-----BEGIN') ? key : await fsp.readFile(key, 'utf8');
  const pub = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  assertEd25519(pub, 'public key');
  return pub;
}

export function checkpointSigningInput(cp: Checkpoint): Buffer {
  return Buffer.from(CHECKPOINT_DOMAIN + canonicalJson(cp), 'utf8');
}

export function signCheckpoint(cp: Checkpoint, keys: Pick<SigningKeys, 'privateKey' | 'keyId'>): SignedCheckpoint {
  const signature = sign(null, checkpointSigningInput(cp), keys.privateKey).toString('base64');
  return { checkpoint: cp, keyId: keys.keyId, signature };
}

/**
 * The keys a verifier trusts: one key, or several by key id — after a rotation the checkpoints of
 * each period name the key that signed them, and each is checked with exactly that key.
 */
export type TrustedKeys = KeyObject | ReadonlyMap<string, KeyObject>;

export function trustedKeySet(keys: readonly KeyObject[]): TrustedKeys {
  return keys.length === 1 ? keys[0]! : new Map(keys.map((k) => [keyIdOf(k), k]));
}

/** Pinned keys as given (KeyObject, PEM text or PEM path; several after a rotation), resolved. */
export async function resolveTrustedKeys(pinned: KeyObject | string | readonly (KeyObject | string)[]): Promise<TrustedKeys> {
  const list = Array.isArray(pinned) ? pinned : [pinned as KeyObject | string];
  if (list.length === 0) throw new Error('no trusted public key given');
  return trustedKeySet(await Promise.all(list.map((k) => resolvePublicKey(k))));
}

/** The key to check a signature by `keyId` with; undefined when that key is not trusted. */
export function keyFor(trust: TrustedKeys, keyId: string): KeyObject | undefined {
  return trust instanceof Map ? trust.get(keyId) : (trust as KeyObject);
}

export function verifyCheckpointSignature(sc: SignedCheckpoint, trust: TrustedKeys): boolean {
  const publicKey = keyFor(trust, sc.keyId);
  if (!publicKey) return false;
  try {
    const sig = Buffer.from(sc.signature, 'base64');
    if (sig.length !== 64 || sig.toString('base64') !== sc.signature) return false;
    return verify(null, checkpointSigningInput(sc.checkpoint), publicKey, sig);
  } catch {
    return false;
  }
}

/** Serialised form of a signed checkpoint (one line of the fs checkpoint log / the S3 object body). */
export function encodeSignedCheckpoint(sc: SignedCheckpoint): string {
  return canonicalJson(sc);
}

const HEX64 = /^[0-9a-f]{64}$/;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural validation of a parsed signed checkpoint; returns null when malformed. */
export function parseSignedCheckpoint(v: unknown): SignedCheckpoint | null {
  return isSignedCheckpoint(v) ? v : null;
}

function isSignedCheckpoint(v: unknown): v is SignedCheckpoint {
  if (!isObj(v) || !isObj(v.checkpoint) || typeof v.keyId !== 'string' || typeof v.signature !== 'string') return false;
  const c = v.checkpoint;
  const int = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
  const offOrNull = (x: unknown): boolean => x === null || (typeof x === 'string' && /^(0|[1-9][0-9]*)$/.test(x));
  const torn = c.tornTail;
  const tornOk = torn === null || (isObj(torn) && int(torn.bytes) && typeof torn.sha256 === 'string' && HEX64.test(torn.sha256));
  const ok =
    c.version === 1 &&
    (c.store === 'fs' || c.store === 's3') &&
    int(c.partition) &&
    typeof c.segment === 'string' &&
    int(c.firstSeq) &&
    int(c.count) &&
    offOrNull(c.firstOffset) &&
    offOrNull(c.lastOffset) &&
    [c.prevChainHead, c.chainHead, c.merkleRoot, c.sha256].every((h) => typeof h === 'string' && HEX64.test(h)) &&
    int(c.bytes) &&
    tornOk &&
    typeof c.sealedAt === 'string' &&
    (c.prevLine === undefined || (typeof c.prevLine === 'string' && HEX64.test(c.prevLine)));
  return ok;
}

/** What a checkpoint states about a segment's records; from a parse, or kept while the records were written. */
export interface SegmentSummary {
  count: number;
  firstOffset: string | null;
  lastOffset: string | null;
  /** chain hash after the last record */
  chainHead: Buffer;
  leafHashes: readonly Buffer[];
}

export function summarizeParsed(parsed: ParsedSegment): SegmentSummary {
  const first = parsed.records[0];
  const last = parsed.records[parsed.records.length - 1];
  return {
    count: parsed.records.length,
    firstOffset: first ? first.line.offset : null,
    lastOffset: last ? last.line.offset : null,
    chainHead: parsed.chainHead,
    leafHashes: parsed.records.map((r) => r.leafHash),
  };
}

/** Builds the checkpoint of a segment (`sha256` and `bytes` are of the covered bytes). */
export function buildCheckpoint(args: {
  store: 'fs' | 's3';
  partition: number;
  segment: string;
  firstSeq: number;
  prevChainHead: Buffer;
  summary: SegmentSummary;
  bytes: number;
  sha256: string;
  tornTail: TornTail | null;
  sealedAt: Date;
  /** fs: the hash of the checkpoint log's previous line */
  prevLine?: string;
}): Checkpoint {
  const { summary } = args;
  return {
    version: 1,
    store: args.store,
    partition: args.partition,
    segment: args.segment,
    firstSeq: args.firstSeq,
    count: summary.count,
    firstOffset: summary.firstOffset,
    lastOffset: summary.lastOffset,
    prevChainHead: args.prevChainHead.toString('hex'),
    chainHead: summary.chainHead.toString('hex'),
    merkleRoot: rootFromLeafHashes(summary.leafHashes).toString('hex'),
    bytes: args.bytes,
    sha256: args.sha256,
    tornTail: args.tornTail,
    sealedAt: args.sealedAt.toISOString(),
    ...(args.prevLine !== undefined ? { prevLine: args.prevLine } : {}),
  };
}
