import { parseArgs } from 'node:util';

export const SCENARIOS = ['intake', 'reads', 'worker', 'e2e', 'memory', 'sink'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchOptions {
  only: ReadonlySet<Scenario>;
  durationS: number;
  rounds: number;
  concurrency: number;
  workerCommands: number;
  cpuProfDir: string | null;
  resultsFile: string | null;
  /** Passed to ops/bench/sink.ts as --records / --verify-records (its own defaults when null). */
  sinkRecords: number | null;
  sinkVerifyRecords: number | null;
}

export const USAGE = `usage: npm run bench -- [--only ${SCENARIOS.join(',')}] [--duration <s>=10] [--rounds <n>=3]
       [--concurrency <c>=50] [--worker-commands <n>=20000] [--cpu-prof <dir>] [--json <file>]
       [--sink-records <n>] [--sink-verify-records <n>, 0 = skip]
  memory is measured during intake (gateway) and worker (worker): --only memory runs those two.
  sink runs ops/bench/sink.ts (another engineer's) when it exists.`;

function positive(name: string, v: string, integer = true): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}\n${USAGE}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      only: { type: 'string' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '50' },
      'worker-commands': { type: 'string', default: '20000' },
      'cpu-prof': { type: 'string' },
      json: { type: 'string' },
      'sink-records': { type: 'string' },
      'sink-verify-records': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set<Scenario>();
  for (const name of (values.only ?? 'intake,reads,worker,e2e,memory,sink')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n${USAGE}`);
    only.add(name as Scenario);
  }
  if (only.has('memory')) {
    only.add('intake');
    only.add('worker');
  }
  return {
    only,
    durationS: positive('duration', values.duration, false),
    rounds: positive('rounds', values.rounds),
    concurrency: positive('concurrency', values.concurrency),
    workerCommands: positive('worker-commands', values['worker-commands']),
    cpuProfDir: values['cpu-prof'] ?? null,
    resultsFile: values.json ?? null,
    sinkRecords: values['sink-records'] ? positive('sink-records', values['sink-records']) : null,
    sinkVerifyRecords:
      values['sink-verify-records'] === undefined
        ? null
        : Number(values['sink-verify-records']) === 0
          ? 0
          : positive('sink-verify-records', values['sink-verify-records']),
  };
}
