import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the footprint reads of a process tree from /proc (Linux only). */
export interface Proc {
  pid: number;
  name: string;
  comm: string;
  rssMb: number;
  cpuS: number;
}
export interface Sample {
  t: number;
  procs: Proc[];
  totalMb: number;
}

/** Which processes count: those not matching `exclude` (infrastructure, shells); names relative to `cwd`. */
export interface TreeOptions {
  exclude: RegExp;
  cwd: string;
}

const CLK_TCK = 100; // Linux USER_HZ

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
export function statOf(pid: number): { comm: string; state: string; ppid: number; cpuTicks: number } | undefined {
  const s = readProc(pid, 'stat');
  if (!s) return undefined;
  const open = s.indexOf('(');
  const close = s.lastIndexOf(')');
  const f = s.slice(close + 2).split(' '); // f[0] = state, f[1] = ppid, f[11] = utime, f[12] = stime
  return { comm: s.slice(open + 1, close), state: f[0] ?? '', ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) };
}
function nameOf(pid: number, comm: string, cwd: string): string {
  const argv = (readProc(pid, 'cmdline') ?? '').split('\0').filter(Boolean);
  const script = argv.slice(1).find((a) => /\.(c|m)?(t|j)s$/.test(a) && !a.includes('node_modules'));
  return script ? path.relative(cwd, path.resolve(cwd, script)) || script : comm;
}
/** The tree under root (root included), minus excluded comms. */
export function tree(root: number, { exclude, cwd }: TreeOptions): Proc[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = statOf(Number(d));
    if (st) kids.set(st.ppid, [...(kids.get(st.ppid) ?? []), Number(d)]);
  }
  const out: Proc[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    queue.push(...(kids.get(pid) ?? []));
    const st = statOf(pid);
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readProc(pid, 'status') ?? '');
    if (!st || !m || exclude.test(st.comm)) continue;
    out.push({ pid, comm: st.comm, name: nameOf(pid, st.comm, cwd), rssMb: Number(m[1]) / 1024, cpuS: st.cpuTicks / CLK_TCK });
  }
  return out;
}
/** Machine-wide CPU seconds (busy, all cores) and load average: shows other work on the machine. */
export function machine(): { busyS: number; loadavg: string } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return {
    busyS: (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
export function sample(root: number, t0: number, opts: TreeOptions): Sample {
  const procs = tree(root, opts);
  return { t: (performance.now() - t0) / 1000, procs, totalMb: procs.reduce((a, p) => a + p.rssMb, 0) };
}
