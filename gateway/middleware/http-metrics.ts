import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../../shared/metrics';

/** Counts requests by route template (never the raw path, so label values stay bounded). */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (res.locals.routeTemplate as string | undefined) ?? 'unmatched';
      const labels = { route, method: req.method };
      end(labels);
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    });
    next();
  };
}
