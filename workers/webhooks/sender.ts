import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { AddressRefusedError, type AddressGuard } from '../../shared/webhooks';

export type AttemptOutcome = 'success' | 'http_error' | 'timeout' | 'refused' | 'network_error';

export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  latencyMs: number;
  /** What went wrong, in words fit for the tenant to read (never the response body). */
  error: string | null;
}

/** A receiver's answer is not read past this: only its status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST of a delivery. The connection goes only to an address the guard permits (the guard is
 * the socket's lookup, so the address checked is the address used); an IP-literal host is checked
 * here since no lookup happens for it. No redirect is followed (a 3xx is a failed attempt), and the
 * whole exchange — connect, TLS, response headers — has one deadline.
 */
export async function sendWebhook(url: string, headers: Record<string, string>, body: string, guard: AddressGuard, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const done = (outcome: AttemptOutcome, statusCode: number | null, error: string | null): AttemptResult => ({
    outcome,
    statusCode,
    latencyMs: Math.round(performance.now() - started),
    error,
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return done('network_error', null, 'the endpoint URL is invalid');
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !guard.permits(host)) return done('refused', null, new AddressRefusedError(host).message);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(
      target,
      {
        method: 'POST',
        // A fresh connection each time: no pooled socket to an address resolved for someone else's request.
        agent: false,
        lookup: guard.lookup,
        headers: { 'content-type': 'application/json', 'user-agent': 'StateSet-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > MAX_RESPONSE_BYTES) res.destroy();
        });
        const answer = () =>
          finish(
            status >= 200 && status < 300
              ? done('success', status, null)
              : done('http_error', status, status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`),
          );
        res.on('end', answer);
        res.on('close', answer);
        res.on('error', answer);
      },
    );
    const timer = setTimeout(() => {
      finish(done('timeout', null, `no answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AddressRefusedError || err.code === 'EADDRREFUSED') finish(done('refused', null, err.message));
      else finish(done('network_error', null, describe(err)));
    });
    req.end(body);
  });
}

/** A network failure in words, without anything the receiver sent. */
function describe(err: NodeJS.ErrnoException): string {
  return err.code ? `${err.code}: ${err.message}`.slice(0, 300) : err.message.slice(0, 300);
}
