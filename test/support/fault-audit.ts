import { snapshotStore } from '../../workers/audit-sink/store/verify';
import type { WormStoreConfig } from '../../workers/audit-sink/store';

/**
 * The event-id of every record a WORM store (fs or s3) holds, read through the verifier's own
 * snapshot (segments in order, sealed and open), one entry per stored line: a doubled record shows
 * as the same id twice.
 */
export async function storedEventIds(config: WormStoreConfig): Promise<string[]> {
  const snap = await snapshotStore(config);
  const ids: string[] = [];
  for (const items of snap.partitions.values())
    for (const item of items) {
      const data = await item.load();
      if (!data) continue;
      for (const line of data.toString('utf8').split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as { record?: { eventId?: string } };
        if (parsed.record?.eventId) ids.push(parsed.record.eventId);
      }
    }
  return ids;
}
