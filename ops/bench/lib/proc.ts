import fs from 'node:fs';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './infra';
import { sleep } from './stats';

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  /** The last 32 KB of the child's stdout and stderr, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<Child>();
process.on('exit', () => {
  for (const c of running) c.proc.kill('SIGKILL');
});

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  /** Run a TypeScript file of ops/bench through tsx instead of a compiled `dist/` entry. */
  tsx?: boolean;
  cpuProfDir?: string | null;
  /** V8 flags put before everything else (the platform's NODE_FLAGS for its processes). */
  nodeFlags?: readonly string[];
  /** Where stdout goes: kept in the ring buffer (default) or handed to the caller. */
  onStdout?: (chunk: Buffer) => void;
}

/** Starts `node <args>` from the repository root, as a child of this process. */
export function startNode(name: string, args: string[], opts: StartOptions): Child {
  const flags = [
    ...(opts.nodeFlags ?? []),
    ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : []),
    ...(opts.tsx ? ['--import', 'tsx'] : []),
  ];
  const proc = spawn(process.execPath, [...flags, ...args], { cwd: ROOT, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`${name}: could not start node ${args.join(' ')}`);
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-32_768);
  };
  proc.stdout!.on('data', opts.onStdout ?? keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = {
    name,
    pid: proc.pid,
    proc,
    output: () => tail,
    async stop(graceMs = 20_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      return proc.exitCode;
    },
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

export function alive(c: Child): boolean {
  return c.proc.exitCode === null && c.proc.signalCode === null;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls `fn` every `everyMs` until it returns a value; fails early when `child` has died. */
export async function waitUntil<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, child?: Child, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (child && !alive(child))
      throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) while waiting for ${what}:\n${child.output().slice(-4000)}`);
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${child ? `; ${child.name} said:\n${child.output().slice(-4000)}` : ''}`);
    await sleep(everyMs);
  }
}

export function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<true> {
  return waitUntil(`${url} to answer 200`, async () => (await fetch(url)).status === 200, timeoutMs, child);
}

/** Resident set size of a process from /proc, in MB (VmRSS now, VmHWM its peak so far). */
export function readRss(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rssKb = kb('VmRSS');
    // A process that has exited but is not reaped yet (a zombie) has no VmRSS line.
    return Number.isNaN(rssKb) ? null : { rssMb: rssKb / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface RssSampler {
  /** Stops sampling; returns the highest VmRSS seen (and the kernel's VmHWM at the last sample). */
  stop(): { peakMb: number; hwmMb: number; samples: number };
}

/** Samples a process's VmRSS every `everyMs` (500 ms by default). */
export function sampleRss(pid: number, everyMs = 500): RssSampler {
  let peakMb = 0;
  let hwmMb = 0;
  let samples = 0;
  const take = () => {
    const r = readRss(pid);
    if (!r) return;
    samples++;
    peakMb = Math.max(peakMb, r.rssMb);
    hwmMb = Math.max(hwmMb, r.hwmMb);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { peakMb, hwmMb, samples };
    },
  };
}
