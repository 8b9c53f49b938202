import type { NextFunction, Request, Response } from 'express';
import { Authenticator } from 'passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { AuthenticationError } from '../../shared/errors';
import { sourceBucket, type Metrics } from '../../shared/metrics';
import type { ApiKeyStore } from './api-key-store';
import type { Principal } from './principal';
import type { AuditTrail } from '../services/audit-trail';

/** Verifies bearer tokens; the JWT verifier implements it. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface AuthDeps {
  apiKeys: ApiKeyStore;
  tokens: TokenVerifier;
  metrics: Metrics;
  audit: AuditTrail;
  /** Called on every failure, e.g. to charge the per-IP failed-auth rate limit. */
  onFailure?: (req: Request, res: Response, err: AuthenticationError) => Promise<void>;
}

function passportWith(deps: AuthDeps) {
  const passport = new Authenticator();
  passport.use(
    'api-key',
    new HeaderAPIKeyStrategy({ header: 'X-API-Key', prefix: '' }, false, (apiKey: string, done: (err: Error | null, user?: object) => void) => {
      deps.apiKeys.authenticate(apiKey).then(
        (p) => done(null, p),
        (err: Error) => done(err),
      );
    }),
  );
  passport.use(
    'bearer',
    new BearerStrategy((token, done) => {
      deps.tokens.verify(token).then(
        (p) => done(null, p),
        (err: Error) => done(err),
      );
    }),
  );
  return passport;
}

// The scheme is case-insensitive (RFC 7235); the token is a b64token (RFC 6750).
const BEARER = /^Bearer +[A-Za-z0-9\-._~+/]+=*$/i;

function hasTokenElsewhere(req: Request): boolean {
  const body: unknown = req.body;
  return Object.hasOwn(req.query, 'access_token') || (typeof body === 'object' && body !== null && Object.hasOwn(body, 'access_token'));
}

/**
 * Establishes `res.locals.principal` from X-API-Key or Authorization: Bearer. Every failure is
 * counted and audited with its reason; the client only ever learns "401".
 */
export function authenticate(deps: AuthDeps) {
  const passport = passportWith(deps);
  const fail = async (req: Request, res: Response, err: AuthenticationError) => {
    deps.metrics.authFailures.inc({ scheme: err.scheme, reason: err.reason });
    deps.metrics.authFailuresBySource.inc({ source: sourceBucket(req.ip) });
    // Charged first: a failure over the address's budget throws (429) and is summarised, not audited alone.
    await deps.onFailure?.(req, res, err);
    await deps.audit.forRequest(req, res, {
      action: 'auth.failed',
      outcome: 'failure',
      details: {
        reason: err.reason,
        scheme: err.scheme,
        ...(err.keyHint ? { keyHint: err.keyHint } : {}),
        route: res.locals.routeTemplate,
      },
    });
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const apiKey = req.get('x-api-key');
    const authorization = req.get('authorization');
    let strategy: 'api-key' | 'bearer';
    let scheme: 'api_key' | 'jwt';
    if (apiKey !== undefined) {
      strategy = 'api-key';
      scheme = 'api_key';
    } else if (authorization !== undefined) {
      // Only `Authorization: Bearer <token>`: passport-http-bearer would also take `access_token` from
      // the query string or the body, where tokens end up in access logs and Referer headers.
      if (!BEARER.test(authorization) || hasTokenElsewhere(req)) {
        const err = new AuthenticationError('malformed', 'jwt');
        fail(req, res, err).then(() => next(err), next);
        return;
      }
      strategy = 'bearer';
      scheme = 'jwt';
    } else {
      const err = new AuthenticationError('missing', 'none');
      fail(req, res, err).then(() => next(err), next);
      return;
    }
    passport.authenticate(strategy, { session: false }, (err: unknown, user: Principal | false) => {
      if (user) {
        res.locals.principal = user;
        return next();
      }
      const authErr = err instanceof AuthenticationError ? err : err ? null : new AuthenticationError(apiKey === '' ? 'missing' : 'malformed', scheme);
      if (!authErr) return next(err);
      fail(req, res, authErr).then(() => next(authErr), next);
    })(req, res, next);
  };
}
