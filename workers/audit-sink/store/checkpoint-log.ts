/**
 * The fs store's checkpoint log: `<checkpointDir>/checkpoints.jsonl`, one signed checkpoint per line,
 * kept apart from the segments. Read whole (recovery, full verification) or from a byte position on
 * (incremental verification reads only what was appended since its last run).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parseSignedCheckpoint } from './checkpoint';
import { sha256 } from './merkle';
import type { SignedCheckpoint } from './types';

export const CHECKPOINT_LOG = 'checkpoints.jsonl';

export function checkpointLogPath(checkpointDir: string): string {
  return path.join(checkpointDir, CHECKPOINT_LOG);
}

/** What the first line of the log commits to. */
export const GENESIS_LOG_LINE = '0'.repeat(64);

export interface CheckpointLogContent {
  checkpoints: SignedCheckpoint[];
  /** the first checkpoint whose `prevLine` is not the hash of the line before it (lines reordered, dropped or inserted) */
  chainBreak: { line: number; reason: string } | null;
  /** hex SHA-256 of the last complete line: what the next checkpoint commits to */
  lastLineHash: string;
  /** 1-based line numbers that are not a valid signed checkpoint */
  badLines: number[];
  /** the log ends without a newline (crash while appending a checkpoint) */
  tornTail: boolean;
}

/** One complete line of the log with where it sits, so it can be re-read and compared later. */
export interface CheckpointLogLine {
  /** null when the line is not a valid signed checkpoint */
  checkpoint: SignedCheckpoint | null;
  /** byte range [start, end) of the line, newline included */
  start: number;
  end: number;
  /** hex SHA-256 of the line bytes (newline included) */
  sha256: string;
}

export function parseCheckpointLine(text: string): SignedCheckpoint | null {
  try {
    return parseSignedCheckpoint(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/** Splits complete lines of `buf` (which starts at byte `base` of the log); the rest is returned as `pending` bytes. */
export function splitCheckpointLines(buf: Buffer, base: number): { lines: CheckpointLogLine[]; consumed: number } {
  const lines: CheckpointLogLine[] = [];
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const bytes = buf.subarray(pos, nl + 1);
    const text = bytes.toString('utf8', 0, bytes.length - 1);
    lines.push({
      checkpoint: text === '' ? null : parseCheckpointLine(text),
      start: base + pos,
      end: base + nl + 1,
      sha256: sha256(bytes).toString('hex'),
    });
    pos = nl + 1;
  }
  return { lines, consumed: pos };
}

export async function readCheckpointLog(checkpointDir: string): Promise<CheckpointLogContent> {
  let text: string;
  try {
    text = await fsp.readFile(checkpointLogPath(checkpointDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { checkpoints: [], chainBreak: null, lastLineHash: GENESIS_LOG_LINE, badLines: [], tornTail: false };
    }
    throw e;
  }
  const lines = text.split('\n');
  const tornTail = lines[lines.length - 1] !== '';
  const checkpoints: SignedCheckpoint[] = [];
  const badLines: number[] = [];
  let chainBreak: CheckpointLogContent['chainBreak'] = null;
  let prev = GENESIS_LOG_LINE;
  lines.forEach((line, i) => {
    if (i === lines.length - 1) {
      // '' after the last newline, or a torn line: nothing commits to it yet
      if (line !== '') badLines.push(i + 1);
      return;
    }
    const sc = parseCheckpointLine(line);
    if (sc) checkpoints.push(sc);
    else badLines.push(i + 1);
    const at = sc?.checkpoint.prevLine;
    if (!chainBreak && at !== undefined && at !== prev) {
      chainBreak = { line: i + 1, reason: `checkpoint log line ${i + 1} does not commit to the line before it (lines reordered, dropped or inserted)` };
    }
    prev = sha256(Buffer.from(`${line}\n`, 'utf8')).toString('hex');
  });
  return { checkpoints, chainBreak, lastLineHash: prev, badLines, tornTail };
}
