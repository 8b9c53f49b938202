/** The fs store as the verifier sees it: the checkpoint log plus a listing of the segment files. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { readCheckpointLog } from './checkpoint-log';
import { HEAD_LOG, readHeadLog } from './signed-head';
import { compareSegmentNames, listPartitionDirs, listSegmentFiles } from './files';
import { groupCheckpoints, type SegmentItem, type StoreSnapshot } from './snapshot-types';
import type { FsWormStoreConfig } from './types';

/** True when the file is read-only, i.e. looks sealed (any write bit cleared counts as writable). */
export async function isReadOnly(file: string): Promise<boolean> {
  try {
    return ((await fsp.stat(file)).mode & 0o222) === 0;
  } catch {
    return false;
  }
}

export async function readFileOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function snapshotFs(config: FsWormStoreConfig): Promise<StoreSnapshot> {
  // Heads first: a head signed while the segments are read covers no more than they hold by then.
  const heads = await readHeadLog(config.checkpointDir);
  const log = await readCheckpointLog(config.checkpointDir);
  const warnings = log.badLines.map((n) => `checkpoint log line ${n} is not a valid checkpoint (ignored)`);
  const byName = groupCheckpoints(log.checkpoints);
  const partitions = new Map<number, SegmentItem[]>();
  const names = new Map<number, Set<string>>();
  for (const p of await listPartitionDirs(config.dir)) {
    names.set(p, new Set((await listSegmentFiles(path.join(config.dir, `p${p}`))).map((f) => `p${p}/${f}`)));
  }
  for (const sc of log.checkpoints) {
    const set = names.get(sc.checkpoint.partition) ?? new Set<string>();
    set.add(sc.checkpoint.segment);
    names.set(sc.checkpoint.partition, set);
  }
  for (const [p, set] of names) {
    const items = [...set]
      .sort((a, b) => compareSegmentNames(path.basename(a), path.basename(b)))
      .map((name): SegmentItem => {
        const file = path.join(config.dir, ...name.split('/'));
        return {
          name,
          checkpoints: byName.get(name) ?? [],
          load: () => readFileOrNull(file),
          sealedHint: async () => {
            if (!(await isReadOnly(file))) return false;
            // Read-only now, but the log was read before: if its checkpoint has been appended since,
            // the sink sealed it while we were verifying (checkpoint first, then chmod) — not tampering.
            const fresh = await readCheckpointLog(config.checkpointDir);
            return !fresh.checkpoints.some((sc) => sc.checkpoint.segment === name);
          },
        };
      });
    partitions.set(p, items);
  }
  if (heads.latest.size === 0 && partitions.size > 0)
    warnings.push(`no signed heads in ${HEAD_LOG}: the newest records are covered by the anchors only (stateset audit verify without --no-anchors)`);
  return { kind: 'fs', partitions, warnings, failure: null, heads, checkpointChainBreak: log.chainBreak };
}
