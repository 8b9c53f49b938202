import type { NextFunction, Request, Response } from 'express';
import { PermissionDeniedError } from '../../shared/errors';
import type { Metrics } from '../../shared/metrics';
import type { Permission } from '../../schemas/catalog';
import type { AuditTrail } from '../services/audit-trail';
import type { Principal } from './principal';

/** Deny by default: the principal must hold the route's permission. */
export function authorize(permission: Permission, metrics: Metrics, audit: AuditTrail) {
  return (req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal?.permissions.has(permission)) return next();
    metrics.authzFailures.inc({ permission });
    const err = new PermissionDeniedError(permission);
    audit
      .forRequest(req, res, {
        action: 'authz.denied',
        outcome: 'denied',
        details: { permission, route: res.locals.routeTemplate, method: req.method },
      })
      .then(() => next(err), next);
  };
}
