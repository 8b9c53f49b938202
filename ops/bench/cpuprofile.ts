/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): the top functions by self time.
 *   npx tsx ops/bench/cpuprofile.ts <file.cpuprofile|dir> [--top 10]
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  share: number;
}

/** Self time per function (summed over every node of the same name and place), highest first; idle time apart. */
export function topSelfTime(file: string, top = 10): { totalMs: number; idleMs: number; rows: SelfTime[] } {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byNode = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  prof.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample: it belongs to the sample before it.
    const dt = prof.timeDeltas[i + 1] ?? 0;
    const cf = byNode.get(id);
    if (!cf) return;
    if (cf.functionName === '(idle)') {
      idleUs += dt;
      return;
    }
    totalUs += dt;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')}:${cf.lineNumber + 1}` : '';
    const k = `${cf.functionName}@${where}`;
    const e = selfUs.get(k) ?? { fn: cf.functionName || '(anonymous)', where, us: 0 };
    e.us += dt;
    selfUs.set(k, e);
  });
  const rows = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ fn: e.fn, where: e.where, ms: e.us / 1000, share: totalUs ? e.us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, rows };
}

export function renderTop(title: string, file: string, top = 10): string {
  const { totalMs, idleMs, rows } = topSelfTime(file, top);
  const lines = rows.map((r) => `  ${r.ms.toFixed(0).padStart(7)} ms ${(100 * r.share).toFixed(1).padStart(5)} %  ${r.fn}  ${r.where}`);
  return [
    `${title}: ${path.basename(file)} (${(totalMs / 1000).toFixed(1)} s busy, ${(idleMs / 1000).toFixed(1)} s idle), top ${top} by self time (share of busy)`,
    ...lines,
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 10;
  for (const target of args) {
    const files = fs.statSync(target).isDirectory()
      ? fs
          .readdirSync(target)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(target, f))
      : [target];
    for (const f of files) console.log(renderTop('profile', f, top));
  }
}
