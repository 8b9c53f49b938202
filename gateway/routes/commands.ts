import type { Request, Response } from 'express';
import { z } from 'zod';
import { commands } from '../../schemas/catalog';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { commandOperationId } from '../http/operation-id';
import { inputErrorOf, parseInput } from '../http/validate';
import type { CommandService } from '../services/command-service';
import type { AuditTrail } from '../services/audit-trail';
import { validateIdempotencyKey } from '../services/idempotency';
import type { Principal } from '../auth/principal';
import { InputError } from '../../shared/errors';
import { expectedVersionOf } from '../http/conditional';

const uuidId = z.string().uuid();

/**
 * One route per catalog command: validate → publish → 202 with the operation. A command on an
 * existing resource (its path has `:id`) takes If-Match, carried in the signed command.
 */
export function commandRoutes(service: CommandService, audit: AuditTrail): RouteSpec[] {
  return commands.map((def) => {
    const hasId = def.route.path.includes(':id');
    const idParams = z.strictObject({ id: def.idParam ?? uuidId });
    return defineRoute({
      method: def.route.method,
      path: def.route.path,
      permission: def.permission,
      rateClass: 'write',
      summary: def.summary,
      operationId: commandOperationId(def.type),
      tag: def.domain,
      body: def.body,
      ...(hasId ? { params: idParams, ifMatch: true } : {}),
      success: 202,
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        let pathId: string | undefined;
        try {
          const key = validateIdempotencyKey(req.get('idempotency-key'));
          pathId = hasId ? parseInput(idParams, req.params, 'params').id : undefined;
          const expectedVersion = expectedVersionOf(req);
          if (expectedVersion !== undefined && !hasId) {
            throw new InputError('If-Match applies to commands on an existing resource; this one creates one', [
              { path: 'If-Match', message: 'not accepted here' },
            ]);
          }
          const parsed = def.parseBody(req.body ?? {});
          if (!parsed.success) throw inputErrorOf(parsed.error, 'body');
          const result = await service.accept({
            def,
            body: parsed.body,
            pathId,
            principal,
            requestId: res.locals.requestId as string,
            method: req.method,
            path: req.path,
            idempotencyKey: key,
            expectedVersion,
            traceparent: req.get('traceparent'),
            // For the command.accepted audit record, committed with the operation row.
            sourceIp: req.ip ?? null,
            userAgent: req.get('user-agent') ?? null,
          });
          res.status(result.statusCode).setHeader('Location', `/v1/operations/${result.body.id}`).setHeader('Retry-After', '1').json(result.body);
        } catch (err) {
          if (err instanceof InputError) {
            await audit.forRequest(req, res, {
              action: 'command.rejected',
              outcome: 'failure',
              resourceType: def.resourceType,
              resourceId: pathId ?? null,
              details: { commandType: def.type, reason: 'invalid_input', fields: err.issues.map((i) => i.path).slice(0, 10) },
            });
          }
          throw err;
        }
      },
    });
  });
}
