import type { LoadResult, MaxRateResult, MaxRateSpec, PacedResult, PacedSpec } from './load-spec';
import { startNode } from './proc';

/** Runs one load in a fresh load-generator process (ops/bench/load.ts) and returns its result. */
async function runLoad(spec: MaxRateSpec | PacedSpec): Promise<LoadResult> {
  let stdout = '';
  const child = startNode('load', ['ops/bench/load.ts'], {
    env: { ...process.env, NODE_ENV: 'production' },
    tsx: true,
    onStdout: (d) => (stdout += d.toString()),
  });
  child.proc.stdin!.end(JSON.stringify(spec));
  const limitMs = (spec.durationS + 60) * 1000;
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.proc.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  await child.stop();
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`load generator failed (exit ${code}):\n${child.output().slice(-3000)}`);
  return JSON.parse(line) as LoadResult;
}

export async function maxRate(spec: Omit<MaxRateSpec, 'mode'>): Promise<MaxRateResult> {
  const r = await runLoad({ mode: 'max', ...spec });
  if (r.mode !== 'max') throw new Error('load generator answered the wrong mode');
  return r;
}

export async function paced(spec: Omit<PacedSpec, 'mode'>): Promise<PacedResult> {
  const r = await runLoad({ mode: 'paced', ...spec });
  if (r.mode !== 'paced') throw new Error('load generator answered the wrong mode');
  return r;
}
