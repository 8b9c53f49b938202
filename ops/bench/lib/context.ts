import type { BenchOptions } from './args';
import type { Platform } from './platform';
import { NODE_FLAGS } from '../../platform/processes';
import { freePort, startNode, waitForHttp, waitUntil, type Child } from './proc';

/** The platform's own V8 flags; BENCH_NODE_FLAGS (space-separated, may be empty) tries others. */
const platformFlags = (): string[] => (process.env.BENCH_NODE_FLAGS !== undefined ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean) : [...NODE_FLAGS]);

/** What every scenario gets: the options, a progress log, and what earlier scenarios measured. */
export interface Ctx {
  opts: BenchOptions;
  log(message: string): void;
  /** Median max intake of the gateway (req/s), when the intake scenario ran before. */
  intakeMaxRps?: number;
  /** Processes started with --cpu-prof: their profile is CPU.*.<pid>.*.cpuprofile in opts.cpuProfDir. */
  profiled: { scenario: string; name: string; pid: number }[];
}

export interface Server {
  child: Child;
  url: string;
}

function profiled(ctx: Ctx, scenario: string, child: Child): Child {
  if (ctx.opts.cpuProfDir) ctx.profiled.push({ scenario, name: child.name, pid: child.pid });
  return child;
}

/** The compiled gateway (`node dist/gateway/main.js`) on a free loopback port, once /healthz answers. */
export async function startGateway(ctx: Ctx, p: Platform): Promise<Server> {
  const port = await freePort();
  const child = profiled(
    ctx,
    p.name,
    startNode('gateway', ['dist/gateway/main.js'], {
      env: { ...p.env, HTTP_PORT: String(port) },
      cpuProfDir: ctx.opts.cpuProfDir,
      nodeFlags: platformFlags(),
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(child, `${url}/healthz`);
  return { child, url };
}

/** The compiled worker process (`node dist/workers/main.js --domains <domains>`). */
export function startWorker(ctx: Ctx, p: Platform, domains: string): Child {
  return profiled(
    ctx,
    p.name,
    startNode(`worker --domains ${domains}`, ['dist/workers/main.js', '--domains', domains], {
      env: p.env,
      cpuProfDir: ctx.opts.cpuProfDir,
      nodeFlags: platformFlags(),
    }),
  );
}

/** A TypeScript process of ops/bench (tsx), ready once it printed `ready`. */
export async function startScript(name: string, file: string, env: NodeJS.ProcessEnv, ready: string): Promise<Child> {
  const child = startNode(name, [file], { env, tsx: true });
  await waitUntil(`${name} to print "${ready}"`, async () => child.output().includes(ready), 60_000, child);
  return child;
}

/** A baseline HTTP server of ops/bench/servers on a free loopback port. */
export async function startBaselineServer(name: string, file: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = await startScript(name, file, { ...env, HTTP_PORT: String(port) }, 'listening');
  return { child, url: `http://127.0.0.1:${port}` };
}
