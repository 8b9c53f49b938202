/** What the orchestrator asks of the load generator (ops/bench/load.ts, a process of its own). */
export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Closed loop at fixed concurrency with autocannon: the maximum rate a server sustains. */
export interface MaxRateSpec {
  mode: 'max';
  url: string;
  connections: number;
  durationS: number;
  /** Cycled through in order by each connection. */
  requests: HttpRequestSpec[];
  expectStatus: number;
  /** Adds a fresh `Idempotency-Key` to every request. */
  uniqueIdempotencyKey?: boolean;
}

/** Open loop at a fixed rate: POST a command, then long-poll its operation until it is done. */
export interface PacedSpec {
  mode: 'paced';
  url: string;
  ratePerS: number;
  durationS: number;
  request: HttpRequestSpec;
  apiKey: string;
  waitS: number;
}

export type LoadSpec = MaxRateSpec | PacedSpec;

export interface MaxRateResult {
  mode: 'max';
  durationS: number;
  /** Responses with the expected status per second. */
  rps: number;
  expected: number;
  unexpected: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export interface PacedResult {
  mode: 'paced';
  sent: number;
  succeeded: number;
  failed: number;
  errors: number;
  achievedRatePerS: number;
  /** Intended send time → operation seen succeeded, in ms, one per succeeded command. */
  latenciesMs: number[];
  operationIds: string[];
  firstError: string | null;
  /** How many of each kind of error (ids blanked). */
  errorKinds: Record<string, number>;
}

export type LoadResult = MaxRateResult | PacedResult;
