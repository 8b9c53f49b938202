import { randomUUID } from 'node:crypto';
import { ProblemError, problemOf } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0: never retry). */
  max?: number;
  /** The longest wait between attempts, in seconds (default 30): a longer Retry-After ends the retries with the error. */
  maxDelayS?: number;
  /** Wait before the first retry when the answer names no Retry-After, doubled each time (default 0.5 s). */
  baseDelayS?: number;
}

export interface TransportOptions {
  baseUrl: string;
  /** Sent as X-API-Key. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer`; a function is asked before every request (to refresh a short-lived JWT). */
  token?: string | (() => string | Promise<string>);
  fetch?: FetchLike;
  retries?: number | RetryOptions;
  /** Headers sent with every request (e.g. a User-Agent). */
  headers?: Record<string, string>;
  /** Waits between retries (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';
  /** With `:name` placeholders filled in already, without the base URL. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

const RETRIED_STATUSES = new Set([429, 503]);

/** Seconds of a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterS(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/** A fresh Idempotency-Key: one per call, the same on every retry of that call. */
export const newIdempotencyKey = (): string => randomUUID();

/**
 * The one way the SDK talks HTTP: auth headers, JSON bodies, problem answers thrown as
 * ProblemError, and retries. A retry repeats a request only when repeating it cannot apply
 * anything twice: a GET/HEAD, or a request carrying an Idempotency-Key (the gateway answers a
 * repeat with the first answer). Retried: 429 and 503 (waiting Retry-After), and network errors.
 */
export class Transport {
  private readonly fetch: FetchLike;
  private readonly retry: Required<RetryOptions>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly baseUrl: string;

  constructor(private readonly opts: TransportOptions) {
    if (!opts.baseUrl) throw new Error('StatesetClient: baseUrl is required');
    if (opts.apiKey && opts.token) throw new Error('StatesetClient: give apiKey or token, not both');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const r = typeof opts.retries === 'number' ? { max: opts.retries } : (opts.retries ?? {});
    this.retry = { max: r.max ?? 3, maxDelayS: r.maxDelayS ?? 30, baseDelayS: r.baseDelayS ?? 0.5 };
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send<T = unknown>(req: HttpRequest): Promise<HttpAnswer<T>> {
    const url = this.urlOf(req);
    const headers = await this.headersOf(req);
    const init: RequestInit = {
      method: req.method,
      headers,
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    };
    const retriable = req.method === 'GET' || req.method === 'HEAD' || req.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      const backoffS = this.retry.baseDelayS * 2 ** attempt;
      const mayRetry = retriable && attempt < this.retry.max;
      let res: Response;
      try {
        res = await this.fetch(url, init);
      } catch (err) {
        // A network error (not the caller's abort): the request may or may not have arrived.
        if (!mayRetry || req.signal?.aborted || backoffS > this.retry.maxDelayS) throw err;
        await this.sleep(backoffS * 1000);
        continue;
      }
      if (RETRIED_STATUSES.has(res.status) && mayRetry) {
        const waitS = retryAfterS(res.headers.get('retry-after')) ?? backoffS;
        if (waitS <= this.retry.maxDelayS) {
          await res.body?.cancel();
          await this.sleep(waitS * 1000);
          continue;
        }
      }
      return this.answerOf<T>(res);
    }
  }

  private urlOf(req: HttpRequest): string {
    const url = new URL(this.baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async headersOf(req: HttpRequest): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...this.opts.headers, ...req.headers };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.idempotencyKey !== undefined) headers['idempotency-key'] = req.idempotencyKey;
    if (this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
    const token = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    return headers;
  }

  private async answerOf<T>(res: Response): Promise<HttpAnswer<T>> {
    const text = res.status === 204 || res.status === 304 ? '' : await res.text();
    const type = res.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (text !== '' && /[/+]json\b/.test(type)) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (res.status >= 400) {
      throw new ProblemError(problemOf(res.status, res.statusText, body, res.headers.get('x-request-id') ?? undefined));
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }
}
