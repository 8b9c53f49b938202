import type { NextFunction, Request, Response } from 'express';
import { ConnectionException } from '@mikro-orm/core';
import { InputError, PayloadTooLargeError, problemFor, type Problem } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { Metrics } from '../../shared/metrics';
import { DeadlineExceededError, DependencyUnavailableError, RateLimitedError, isUnreachable } from '../../shared/errors';
import { sendProblem } from '../http/send';

/** Errors raised by body-parser carry a `type`; they are client mistakes, not server faults. */
function fromBodyParser(err: unknown): Error | null {
  const t = (err as { type?: string }).type;
  if (t === 'entity.too.large') return new PayloadTooLargeError('request body is larger than the limit');
  if (t === 'entity.parse.failed') return new InputError('request body is not valid JSON');
  if (t === 'encoding.unsupported' || t === 'charset.unsupported') return new InputError('unsupported body encoding');
  if (t === 'request.aborted' || t === 'request.size.invalid') return new InputError('request body incomplete');
  return null;
}

/**
 * SQLSTATEs of a server that is going away or not taking connections: class 08 (connection), 53300
 * (too many connections), 57P01-57P03 (terminated by a restart or an administrator, crash shutdown,
 * cannot connect now). The message of 57P01 names no connection failure, so the code decides.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53300$|57P0[1-3]$)/;

/** A database that cannot be reached is a dependency outage (503), not a server bug (500). */
function fromDatabase(err: unknown): Error | null {
  // pg's own DatabaseError (a failed BEGIN of a transaction, not wrapped by MikroORM) carries the code too.
  const code = err instanceof Error ? String((err as Error & { code?: unknown }).code ?? '') : '';
  if (err instanceof ConnectionException || UNAVAILABLE_SQLSTATE.test(code) || isUnreachable(err)) {
    return new DependencyUnavailableError('postgres', 'not reachable', err);
  }
  return null;
}

/** The one place where an error becomes an HTTP answer. */
export function errorHandler(logger: Logger, metrics: Metrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // The request was answered 503 when its budget ran out; whatever its handler does after is moot.
    if (res.locals.deadlineExceeded === true && !(err instanceof DeadlineExceededError)) return;
    const error = fromBodyParser(err) ?? fromDatabase(err) ?? err;
    const problem: Problem = { ...problemFor(error), instance: req.originalUrl.split('?')[0], requestId: res.locals.requestId as string };
    if (problem.status >= 500) {
      logger.error({ err: error, requestId: problem.requestId }, 'request failed');
    }
    if (error instanceof DependencyUnavailableError) {
      metrics.dependencyUnavailable.inc({ dependency: error.dependency });
      if (!res.getHeader('Retry-After')) res.setHeader('Retry-After', '1');
    }
    if (error instanceof DeadlineExceededError) {
      metrics.requestDeadlineExceeded.inc();
      res.setHeader('Retry-After', '1');
    }
    if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterS))));
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="stateset", ApiKey header="X-API-Key"');
    if (res.headersSent) return;
    sendProblem(res, problem);
  };
}
