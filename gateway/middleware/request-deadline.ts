import type { NextFunction, Request, Response } from 'express';

const PREFER_WAIT = /(?:^|[,;\s])wait=(\d+)/i;

/**
 * Gives every request a budget: `budgetMs`, plus the wait a long-poll asked for (`Prefer: wait=N`,
 * at most `maxWaitS`). A request still unanswered when it runs out gets `onExpired`'s answer (503 +
 * Retry-After), so a slow or partitioned dependency makes callers retry instead of piling up behind
 * it. The work itself is not cancelled: a command already handed to Kafka is still recorded, and a
 * retry with its Idempotency-Key finds the same operation. Whatever the handler answers later is
 * dropped: its headers are ignored, and res.locals.deadlineExceeded tells the error handler to stay
 * quiet about it.
 */
export function requestDeadline(budgetMs: number, maxWaitS: number, onExpired: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const waitS = Math.min(Number(PREFER_WAIT.exec(req.get('prefer') ?? '')?.[1] ?? 0), maxWaitS);
    const timer = setTimeout(
      () => {
        if (res.headersSent || res.writableEnded) return;
        res.locals.deadlineExceeded = true;
        onExpired(req, res);
        // Middleware and handlers still running set headers when they resume (rate-limit headers, a
        // late answer): on a sent response that throws, and outside a request's promise chain it
        // would take the process down. Only this expired response is touched; the hot path is not.
        res.setHeader = () => res;
      },
      budgetMs + waitS * 1000,
    );
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
