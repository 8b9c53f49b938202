import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeError } from '../../shared/errors';

/** Requests with a body must say it is JSON; anything else is refused before parsing. */
export function requireJsonBody() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (!hasBody) return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      return next(new UnsupportedMediaTypeError('request body must be application/json'));
    }
    next();
  };
}
