/** A fetch that answers from a script and records what it was asked, for the SDK's unit tests. */
export interface Recorded {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export type Scripted = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

export function fakeFetch(script: Scripted[]) {
  const requests: Recorded[] = [];
  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    requests.push({
      method: String(init.method),
      url: new URL(input),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = script.shift();
    if (!next) throw new Error(`unscripted request ${init.method} ${input}`);
    if (next instanceof Error) throw next;
    const isProblem = next.status >= 400 && typeof next.body === 'object';
    const headers = { 'content-type': isProblem ? 'application/problem+json' : 'application/json', ...next.headers };
    const text = next.body === undefined ? null : typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
    return new Response(text, { status: next.status, headers });
  };
  return { fetch, requests };
}

export const operationBody = (over: Record<string, unknown> = {}) => ({
  id: '3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69',
  type: 'order.create.v1',
  status: 'accepted',
  done: false,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
  resource: { type: 'order', id: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d', href: '/v1/orders/7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d' },
  ...over,
});
