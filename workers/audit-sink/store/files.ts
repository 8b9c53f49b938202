/**
 * File helpers shared by the fs store, the s3 store's staging files and the verifier: segment and
 * partition names, listings, durable appends and directory fsyncs.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

const SEGMENT_RE = /^(\d{20})(?:-(\d+))?\.seg$/;
const PARTITION_RE = /^p(0|[1-9]\d*)$/;

export function padNumber(n: number | bigint | string): string {
  return String(n).padStart(20, '0');
}

export function segmentFileName(firstSeq: number, generation = 0): string {
  return generation === 0 ? `${padNumber(firstSeq)}.seg` : `${padNumber(firstSeq)}-${generation}.seg`;
}

export function parseSegmentFileName(name: string): { firstSeq: number; generation: number } | null {
  const m = SEGMENT_RE.exec(name);
  if (!m) return null;
  return { firstSeq: Number(m[1]), generation: m[2] === undefined ? 0 : Number(m[2]) };
}

export function compareSegmentNames(a: string, b: string): number {
  const pa = parseSegmentFileName(a);
  const pb = parseSegmentFileName(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa.firstSeq - pb.firstSeq || pa.generation - pb.generation;
}

export function parsePartitionDir(name: string): number | null {
  const m = PARTITION_RE.exec(name);
  return m ? Number(m[1]) : null;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export async function listPartitionDirs(root: string): Promise<number[]> {
  return (await readdirOrEmpty(root))
    .map(parsePartitionDir)
    .filter((p): p is number => p !== null)
    .sort((a, b) => a - b);
}

export async function listSegmentFiles(partitionDir: string): Promise<string[]> {
  return (await readdirOrEmpty(partitionDir)).filter((n) => SEGMENT_RE.test(n)).sort(compareSegmentNames);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, fsc.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

/** Creates `dir` (and parents) if missing; a new directory entry is fsync'd in its parent. */
export async function ensureDir(dir: string): Promise<void> {
  if (await exists(dir)) return;
  await fsp.mkdir(dir, { recursive: true, mode: 0o750 });
  await fsyncDir(path.dirname(dir)).catch(() => undefined);
}

/** Writes the whole buffer at the file's (append) position; short writes are continued. */
export async function writeFully(fh: FileHandle, buf: Buffer): Promise<void> {
  let written = 0;
  while (written < buf.length) {
    const { bytesWritten } = await fh.write(buf, written, buf.length - written);
    written += bytesWritten;
  }
}

/** Appends data (O_APPEND) and fsyncs; fsyncs the directory when the file was created. */
export async function appendDurably(file: string, data: string | Buffer): Promise<void> {
  const created = !(await exists(file));
  const fh = await fsp.open(file, 'a', 0o640);
  try {
    await writeFully(fh, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (created) await fsyncDir(path.dirname(file));
}

/** Reads `length` bytes at `position` (fewer at end of file); null when the file does not exist. */
export async function readRange(file: string, position: number, length: number): Promise<Buffer | null> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** Collects the eventIds of a segment leniently (no verification; that is the verifier's job). */
export function collectEventIds(data: Buffer, into: Set<string>): void {
  const KEY = '"eventId":"';
  const text = data.toString('utf8');
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // an incomplete last line was never acknowledged
    // Canonical record lines hold one "eventId" key (inside "record"); string values escape quotes,
    // so the first occurrence is the key. Garbage lines are skipped.
    const at = text.indexOf(KEY, pos);
    if (at >= 0 && at < nl) {
      const end = text.indexOf('"', at + KEY.length);
      if (end > 0 && end < nl) {
        const id = text.slice(at + KEY.length, end);
        if (!id.includes('\\')) into.add(id);
        else collectSlow(text.slice(pos, nl), into);
      }
    }
    pos = nl + 1;
  }
}

function collectSlow(line: string, into: Set<string>): void {
  try {
    const v = JSON.parse(line) as { record?: { eventId?: unknown } };
    if (typeof v.record?.eventId === 'string') into.add(v.record.eventId);
  } catch {
    /* torn or garbage line: nothing to collect */
  }
}
