import type { OutputLine } from './output';
import type { Sample } from './procfs';

export interface PerProcLoad {
  pid: number;
  name: string;
  peakMb: number;
  endMb: number;
  cpuS: number;
}

/** The result as tables on stdout (the JSON of --out holds the same and every sample). */
export function print(r: Record<string, unknown>, idle: Sample, idleCpuCores: number): void {
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\n== footprint ${String(r.label)} (${String(r.node)} measuring, ${String(r.url)})`);
  console.log(
    'A  start (s from launch):',
    Object.entries(r.timings as Record<string, number>)
      .map(([k, v]) => `${k}=${v.toFixed(2)}`)
      .join('  '),
  );
  console.log(`   first order: operation ${String((r.firstOperation as { status?: unknown }).status)}, order status ${String(r.firstOrderStatus)}`);
  console.log('B  idle RSS (MiB)');
  for (const p of idle.procs) console.log(`   ${p.name.padEnd(34)} pid ${String(p.pid).padStart(7)} ${f(p.rssMb)}`);
  console.log(`   ${'TOTAL'.padEnd(46)} ${f(idle.totalMb)}   (idle CPU of the tree: ${idleCpuCores.toFixed(3)} cores)`);
  const load = r.load as
    | {
        generator: Record<string, unknown>;
        peakTotalMb: number;
        endTotalMb: number;
        perProc: PerProcLoad[];
        machine: { cores: number; wallS: number; busyCpuS: number; platformCpuS: number; loadavgBefore: string; loadavgAfter: string };
        drainS: number | null;
        afterDrainTotalMb: number;
      }
    | undefined;
  if (load) {
    const g = load.generator;
    console.log(
      `C  load: ${Number(g.rps).toFixed(0)} req/s (${Number(g.okRps).toFixed(0)} ok/s), p50 ${Number(g.p50Ms).toFixed(1)} ms, p99 ${Number(g.p99Ms).toFixed(1)} ms, ` +
        `max ${Number(g.maxMs).toFixed(1)} ms, requests ${String(g.requests)}, non-202 ${String(g.nonExpected)} ${JSON.stringify(g.statuses)} ${JSON.stringify(g.errors)}, load node ${String(g.node)}`,
    );
    console.log(`   ${'process'.padEnd(34)} ${'peak MiB'.padStart(8)} ${'end MiB'.padStart(8)} ${'CPU s'.padStart(8)}`);
    for (const p of load.perProc) console.log(`   ${p.name.padEnd(34)} ${f(p.peakMb)} ${f(p.endMb)} ${f(p.cpuS)}`);
    console.log(`   ${'TOTAL (peak of sum / end)'.padEnd(34)} ${f(load.peakTotalMb)} ${f(load.endTotalMb)} ${f(load.machine.platformCpuS)}`);
    console.log(
      `   backlog drained ${load.drainS === null ? 'NOT within --drain-timeout-s' : `${load.drainS.toFixed(1)} s`} after the load; total RSS then ${load.afterDrainTotalMb.toFixed(1)} MiB`,
    );
    const m = load.machine;
    console.log(
      `   machine during load: ${m.busyCpuS.toFixed(1)} CPU-s busy of ${(m.cores * m.wallS).toFixed(1)} available (${m.cores} cores × ${m.wallS.toFixed(1)} s); ` +
        `platform ${m.platformCpuS.toFixed(1)}, everything else (load generator, Kafka, PostgreSQL, Redis, other users) ${(m.busyCpuS - m.platformCpuS).toFixed(1)}; loadavg ${m.loadavgBefore} → ${m.loadavgAfter}`,
    );
  }
  const out = r.output as OutputLine[];
  if (out.length) {
    console.log('Output lines (normalised, digits → N), by phase:');
    for (const o of out.slice(0, 40)) console.log(`   ${String(o.count).padStart(6)}  ${o.phase.padEnd(5)}  ${o.text}`);
  }
}
