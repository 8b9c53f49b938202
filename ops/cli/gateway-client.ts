import { CliExit } from './output';
import { EXIT } from './exit-codes';

export interface GatewayTarget {
  url: string;
  apiKey: string;
}

/** A problem+json answer, kept whole for --json and summarized for the operator. */
export class GatewayAnswerError extends CliExit {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown> | null,
  ) {
    const p = problem ?? {};
    const detail = [p.title, p.detail].filter((x) => typeof x === 'string' && x !== '').join(': ');
    super(EXIT.failure, `the gateway answered ${status}${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * The gateway's HTTP API as the CLI uses it: the key in X-API-Key (never printed), JSON answers.
 * A refused connection is exit 3 (unavailable); a 4xx/5xx answer is exit 1 with the problem's title.
 */
export async function gatewayRequest<T>(
  target: GatewayTarget,
  method: 'GET' | 'POST',
  path: string,
  opts: { query?: Record<string, string | number | undefined>; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const url = new URL(path, `${target.url}/`);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        'x-api-key': target.apiKey,
        accept: 'application/json',
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: method === 'POST' ? '{}' : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
  } catch (err) {
    const reason = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    throw new CliExit(EXIT.unavailable, `the gateway at ${target.url} could not be reached (${reason})`);
  }
  const text = await res.text();
  const body = parseJson(text);
  if (!res.ok) throw new GatewayAnswerError(res.status, body && typeof body === 'object' ? (body as Record<string, unknown>) : null);
  return { status: res.status, headers: res.headers, body: body as T };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** One page, or with `all` every page after it (cursor after cursor). */
export async function pages<T>(target: GatewayTarget, path: string, query: Record<string, string | number | undefined>, all: boolean): Promise<Page<T>> {
  const first = (await gatewayRequest<Page<T>>(target, 'GET', path, { query })).body;
  if (!all) return first;
  const data = [...first.data];
  for (let cursor = first.nextCursor; cursor;) {
    const next = (await gatewayRequest<Page<T>>(target, 'GET', path, { query: { ...query, cursor } })).body;
    data.push(...next.data);
    cursor = next.nextCursor;
  }
  return { data, nextCursor: null };
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
