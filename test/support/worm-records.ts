import fs from 'node:fs';
import path from 'node:path';
import type { AuditRecord } from '../../workers/audit-sink/store';

/** Every audit record in an fs WORM store's segment files (sealed and open), read straight from disk. */
export function storedRecords(dir: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.seg')) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
          if (!line) continue;
          const parsed = JSON.parse(line) as { record?: AuditRecord };
          if (parsed.record) out.push(parsed.record);
        }
      }
    }
  };
  walk(dir);
  return out;
}
