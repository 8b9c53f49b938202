import type { Request, Response } from 'express';
import { z } from 'zod';
import { PERMISSIONS, type Permission } from '../../schemas/catalog';
import { emptyBody, MAX_TIMESTAMP_LENGTH } from '../../schemas/http/common';
import type { ApiKeyRow } from '../../shared/orm';
import { ConflictError, InputError, PermissionDeniedError } from '../../shared/errors';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { pageQuery } from '../http/pagination';
import { tenantOf } from '../http/tenant-queries';
import { earliest, type Principal } from '../auth/principal';
import { ROLES, ROLE_PERMISSIONS } from '../auth/permissions';
import type { ApiKeyStore } from '../auth/api-key-store';
import type { AuditTrail } from '../services/audit-trail';

const params = z.strictObject({ id: z.string().uuid() });

export const apiKeyCreateBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES).optional(),
    permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
    expiresAt: z.iso.datetime({ offset: true }).max(MAX_TIMESTAMP_LENGTH).optional(),
  })
  .refine((b) => (b.role === undefined) !== (b.permissions === undefined), { message: 'give exactly one of role or permissions' });

/** What may be shown about a key: never the secret nor its hash. */
export function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    keyId: row.keyId,
    name: row.name,
    role: row.role,
    permissions: [...row.permissions],
    redacted: row.redacted,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    rotatedFrom: row.rotatedFrom,
  };
}

/** A key never holds more than the principal who makes it. */
function assertWithin(principal: Principal, wanted: readonly string[]): void {
  const excess = wanted.filter((p) => !principal.permissions.has(p as Permission));
  if (excess.length > 0) throw new PermissionDeniedError(excess.join(','));
}

export function apiKeyRoutes(store: ApiKeyStore, audit: AuditTrail, rotationOverlapS: number): RouteSpec[] {
  const common = { permission: 'api-keys:manage', tag: 'api-keys' } as const;
  return [
    defineRoute({
      ...common,
      method: 'post',
      path: '/v1/api-keys',
      rateClass: 'write',
      success: 201,
      body: apiKeyCreateBody,
      summary: 'Create an API key with a role or a subset of your own permissions; the secret is returned once',
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        const body = parseInput(apiKeyCreateBody, req.body ?? {}, 'body');
        const asked = body.expiresAt ? new Date(body.expiresAt) : null;
        if (asked && asked.getTime() <= Date.now()) {
          throw new InputError('the request body is invalid', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
        }
        if (asked && principal.expiresAt && asked > principal.expiresAt) {
          throw new InputError('the request body is invalid', [
            {
              path: 'body.expiresAt',
              message: `must not be later than the credential making the key, which ends at ${principal.expiresAt.toISOString()}`,
            },
          ]);
        }
        // Without an expiry asked for, the new key ends with the credential that makes it.
        const expiresAt = earliest(asked, principal.expiresAt);
        const permissions: Permission[] = body.role ? [...ROLE_PERMISSIONS[body.role]] : [...new Set(body.permissions!)];
        try {
          assertWithin(principal, permissions);
        } catch (err) {
          await audit.forRequest(req, res, {
            action: 'api_key.create_refused',
            outcome: 'denied',
            resourceType: 'api_key',
            details: { wanted: permissions },
          });
          throw err;
        }
        const created = await store.create({
          tenantId: principal.tenantId,
          name: body.name,
          role: body.role ?? 'custom',
          permissions,
          createdBy: principal.id,
          expiresAt,
        });
        await audit.forRequest(req, res, {
          action: 'api_key.created',
          outcome: 'success',
          resourceType: 'api_key',
          resourceId: created.row.id,
          details: { keyId: created.row.keyId, role: created.row.role, permissions, expiresAt: expiresAt?.toISOString() ?? null },
        });
        res.setHeader('Cache-Control', 'no-store');
        res
          .status(201)
          .setHeader('Location', `/v1/api-keys/${created.row.id}`)
          .json({ ...apiKeyView(created.row), secret: created.secret });
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/v1/api-keys',
      rateClass: 'read',
      success: 200,
      query: pageQuery,
      summary: "List the tenant's API keys (redacted), oldest first, with cursor pagination",
      async handler(req: Request, res: Response) {
        const p = await store.list(tenantOf(res), parseInput(pageQuery, req.query, 'query'));
        res.json({ data: p.data.map(apiKeyView), nextCursor: p.nextCursor });
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/v1/api-keys/:id/rotate',
      rateClass: 'write',
      success: 201,
      params,
      body: emptyBody,
      summary: 'Replace a key: a new key with the same rights; the old one stays valid for API_KEY_ROTATION_OVERLAP_S',
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        const { id } = parseInput(params, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const old = await store.get(principal.tenantId, id);
        if (old.revokedAt) throw new ConflictError('the key is already revoked or rotated');
        try {
          assertWithin(principal, old.permissions);
        } catch (err) {
          await audit.forRequest(req, res, { action: 'api_key.rotate_refused', outcome: 'denied', resourceType: 'api_key', resourceId: old.id });
          throw err;
        }
        const created = await store.create({
          tenantId: principal.tenantId,
          name: old.name,
          role: old.role,
          permissions: old.permissions as Permission[],
          createdBy: principal.id,
          expiresAt: earliest(old.expiresAt, principal.expiresAt),
          rotatedFrom: old.id,
        });
        const revokesAt = new Date(Date.now() + rotationOverlapS * 1000);
        await store.revoke(principal.tenantId, old.id, revokesAt);
        await audit.forRequest(req, res, {
          action: 'api_key.rotated',
          outcome: 'success',
          resourceType: 'api_key',
          resourceId: old.id,
          details: { oldKeyId: old.keyId, newId: created.row.id, newKeyId: created.row.keyId, oldRevokesAt: revokesAt.toISOString() },
        });
        res.setHeader('Cache-Control', 'no-store');
        res
          .status(201)
          .setHeader('Location', `/v1/api-keys/${created.row.id}`)
          .json({ ...apiKeyView(created.row), secret: created.secret, previous: { id: old.id, revokesAt: revokesAt.toISOString() } });
      },
    }),
    defineRoute({
      ...common,
      method: 'delete',
      path: '/v1/api-keys/:id',
      rateClass: 'write',
      success: 200,
      params,
      summary: 'Revoke a key now (every gateway instance refuses it within API_KEY_CACHE_TTL_MS ≤ 5 s)',
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        const { id } = parseInput(params, req.params, 'params');
        // Revoking takes the key's rights away from whoever holds it: only a holder of all of them may.
        const target = await store.get(principal.tenantId, id);
        try {
          assertWithin(principal, target.permissions);
        } catch (err) {
          await audit.forRequest(req, res, {
            action: 'api_key.revoke_refused',
            outcome: 'denied',
            resourceType: 'api_key',
            resourceId: target.id,
          });
          throw err;
        }
        const row = await store.revoke(principal.tenantId, id);
        await audit.forRequest(req, res, {
          action: 'api_key.revoked',
          outcome: 'success',
          resourceType: 'api_key',
          resourceId: row.id,
          details: { keyId: row.keyId, revokedAt: row.revokedAt?.toISOString() ?? null },
        });
        res.json(apiKeyView(row));
      },
    }),
  ];
}
