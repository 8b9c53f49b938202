import type { Request, Response } from 'express';
import { z } from 'zod';
import { PERMISSIONS, type Permission } from '../../schemas/catalog';
import { PermissionDeniedError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import type { Principal } from '../auth/principal';
import type { JwtService } from '../auth/jwt';
import type { AuditTrail } from '../services/audit-trail';

export const tokenBody = z.strictObject({
  /** Narrow the token further; never more than the key holds. */
  permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
  ttlSeconds: z.number().int().min(30).max(3600).optional(),
});

export function authRoutes(jwt: JwtService, audit: AuditTrail): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/auth/token',
      permission: 'authenticated',
      rateClass: 'auth',
      tag: 'auth',
      success: 200,
      summary: "Exchange the API key in X-API-Key for a short-lived JWT holding at most the key's permissions",
      body: tokenBody,
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        // Only an API key mints tokens: a token cannot extend its own life.
        if (principal.scheme !== 'api_key' || !principal.keyId) throw new PermissionDeniedError('api-key');
        const body = parseInput(tokenBody, req.body ?? {}, 'body');
        const held = [...principal.permissions];
        const asked: Permission[] = body.permissions ? [...new Set(body.permissions)] : held;
        const excess = asked.filter((p) => !principal.permissions.has(p));
        if (excess.length > 0) {
          await audit.forRequest(req, res, { action: 'auth.token_refused', outcome: 'denied', details: { excess } });
          throw new PermissionDeniedError(excess.join(','));
        }
        const { token, expiresIn } = jwt.issue({
          sub: principal.id,
          tenant: principal.tenantId,
          permissions: asked,
          keyId: principal.keyId,
          ttlS: body.ttlSeconds,
        });
        await audit.forRequest(req, res, {
          action: 'auth.token_issued',
          outcome: 'success',
          resourceType: 'api_key',
          resourceId: principal.keyId,
          details: { permissions: asked, expiresIn, kid: jwt.ring.current.kid },
        });
        res.setHeader('Cache-Control', 'no-store');
        res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn, permissions: asked });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      permission: 'public',
      rateClass: 'read',
      tag: 'auth',
      success: 200,
      summary: 'Public keys that verify the tokens this gateway issues (RFC 7517)',
      handler(_req: Request, res: Response) {
        res.setHeader('Cache-Control', 'public, max-age=300');
        res.json(jwt.ring.jwks());
      },
    }),
  ];
}
