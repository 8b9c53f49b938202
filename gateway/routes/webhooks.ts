import type { Request, Response } from 'express';
import { z } from 'zod';
import { emptyBody } from '../../schemas/http/common';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../../shared/orm';
import { InputError } from '../../shared/errors';
import { WEBHOOK_EVENT_TYPES, type AddressGuard } from '../../shared/webhooks';
import type { Metrics } from '../../shared/metrics';
import { defineRoute, type RouteSpec } from '../http/route-spec';
import { parseInput } from '../http/validate';
import { pageQuery } from '../http/pagination';
import { tenantOf } from '../http/tenant-queries';
import type { Principal } from '../auth/principal';
import type { AuditTrail } from '../services/audit-trail';
import type { WebhookEndpointStore } from '../services/webhook-endpoints';
import { isIP } from 'node:net';

const params = z.strictObject({ id: z.string().uuid() });
const deliveryParams = z.strictObject({ id: z.string().uuid(), deliveryId: z.string().uuid() });

const webhookUrl = z
  .string()
  .max(2048)
  .superRefine((u, ctx) => {
    // One check for all: zod runs every refinement even after one failed, and `new URL` throws.
    const url = URL.canParse(u) ? new URL(u) : null;
    const problem = !url
      ? 'must be an absolute URL'
      : !['http:', 'https:'].includes(url.protocol)
        ? 'must be an http or https URL'
        : url.username || url.password
          ? 'must not carry credentials'
          : url.hash
            ? 'must not have a fragment'
            : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((t) => [...new Set(t)]);

export const webhookCreateBody = z.strictObject({
  url: webhookUrl,
  events: eventTypes,
  description: z.string().trim().max(200).optional(),
});
export const webhookUpdateBody = z
  .strictObject({ url: webhookUrl.optional(), events: eventTypes.optional(), description: z.string().trim().max(200).nullable().optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of url, events, description' });
const deliveriesQuery = pageQuery.extend({ status: z.enum(['pending', 'succeeded', 'failed']).optional() });

/** What may be shown about an endpoint: never its secret, sealed or not. */
export function webhookView(row: WebhookEndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: [...row.eventTypes],
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    consecutiveFailures: row.consecutiveFailures,
    previousSecretExpiresAt: row.previousSecretExpiresAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function deliveryView(d: WebhookDeliveryRow, attempts: readonly WebhookAttemptRow[] = []) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    webhookId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attemptCount: d.attempts,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
    attempts: attempts.map((a) => ({ attemptedAt: a.attemptedAt.toISOString(), statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
  };
}

const endpointExample = {
  id: '3b7f6a52-1c0e-4d8e-9a51-0f5b1f7c2d10',
  url: 'https://hooks.example.com/stateset',
  description: 'order notifications',
  events: ['operation.succeeded', 'order.created.v1'],
  status: 'enabled',
  disabledReason: null,
  disabledAt: null,
  consecutiveFailures: 0,
  previousSecretExpiresAt: null,
  createdBy: 'api-key:0f3c9a1b2d4e5f60',
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.000Z',
};
const secretExample = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw2W7lV5nD0pQ=';
const deliveryExample = {
  id: '9d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  endpointId: endpointExample.id,
  webhookId: 'c0a80101-0000-4000-8000-00000000abcd',
  eventType: 'operation.succeeded',
  status: 'succeeded',
  attemptCount: 2,
  nextAttemptAt: null,
  lastStatusCode: 204,
  lastError: null,
  createdAt: '2026-12-06T10:00:01.000Z',
  updatedAt: '2026-12-06T10:00:07.000Z',
  attempts: [
    { attemptedAt: '2026-12-06T10:00:07.000Z', statusCode: 204, latencyMs: 41, error: null },
    { attemptedAt: '2026-12-06T10:00:01.100Z', statusCode: 503, latencyMs: 12, error: 'HTTP 503' },
  ],
};

/**
 * A URL whose host is an address literal the dispatcher would refuse is refused here already, so
 * the mistake shows at once (a host name is checked at each delivery, after resolving it).
 */
function assertReachable(guard: AddressGuard, url: string | undefined): void {
  if (!url) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !guard.permits(host)) {
    throw new InputError('the request body is invalid', [
      { path: 'body.url', message: 'is a private, loopback or link-local address (not in WEBHOOK_ALLOWED_NETWORKS)' },
    ]);
  }
}

export function webhookRoutes(store: WebhookEndpointStore, audit: AuditTrail, guard: AddressGuard, metrics: Metrics, rotationOverlapS: number): RouteSpec[] {
  const manage = { permission: 'webhooks:manage', tag: 'webhooks', rateClass: 'write' } as const;
  const read = { permission: 'webhooks:read', tag: 'webhooks', rateClass: 'read' } as const;
  const changed = async (req: Request, res: Response, action: string, row: { id: string }, details?: Record<string, unknown>) => {
    metrics.webhookEndpointChanges.inc({ action });
    await audit.forRequest(req, res, { action: `webhook.${action}`, outcome: 'success', resourceType: 'webhook_endpoint', resourceId: row.id, details });
  };
  return [
    defineRoute({
      ...manage,
      method: 'post',
      path: '/v1/webhooks',
      success: 201,
      body: webhookCreateBody,
      summary: 'Register an endpoint for operation outcomes and domain events; the signing secret is returned once',
      examples: {
        request: { url: 'https://hooks.example.com/stateset', events: ['operation.succeeded', 'order.created.v1'], description: 'order notifications' },
        response: { ...endpointExample, secret: secretExample },
      },
      async handler(req: Request, res: Response) {
        const principal = res.locals.principal as Principal;
        const body = parseInput(webhookCreateBody, req.body ?? {}, 'body');
        assertReachable(guard, body.url);
        const created = await store.create({
          tenantId: principal.tenantId,
          url: body.url,
          eventTypes: body.events,
          description: body.description ?? null,
          createdBy: principal.id,
        });
        await changed(req, res, 'endpoint_created', created.row, { url: body.url, events: body.events });
        res.setHeader('Cache-Control', 'no-store');
        res
          .status(201)
          .setHeader('Location', `/v1/webhooks/${created.row.id}`)
          .json({ ...webhookView(created.row), secret: created.secret });
      },
    }),
    defineRoute({
      ...read,
      method: 'get',
      path: '/v1/webhooks',
      success: 200,
      query: pageQuery,
      summary: "List the tenant's webhook endpoints, oldest first, with cursor pagination",
      examples: { response: { data: [endpointExample], nextCursor: null } },
      async handler(req: Request, res: Response) {
        const page = await store.list(tenantOf(res), parseInput(pageQuery, req.query, 'query'));
        res.json({ data: page.data.map(webhookView), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      ...read,
      method: 'get',
      path: '/v1/webhooks/:id',
      success: 200,
      params,
      summary: 'One webhook endpoint (never its secret)',
      examples: { response: endpointExample },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        res.json(webhookView(await store.get(tenantOf(res), id)));
      },
    }),
    defineRoute({
      ...manage,
      method: 'patch',
      path: '/v1/webhooks/:id',
      success: 200,
      params,
      body: webhookUpdateBody,
      summary: "Change an endpoint's URL, events or description",
      examples: {
        request: { events: ['operation.succeeded', 'operation.failed'] },
        response: { ...endpointExample, events: ['operation.succeeded', 'operation.failed'] },
      },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const body = parseInput(webhookUpdateBody, req.body ?? {}, 'body');
        assertReachable(guard, body.url);
        const row = await store.update(tenantOf(res), id, {
          ...(body.url !== undefined ? { url: body.url } : {}),
          ...(body.events !== undefined ? { eventTypes: body.events } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
        });
        await changed(req, res, 'endpoint_updated', row, { changed: Object.keys(body) });
        res.json(webhookView(row));
      },
    }),
    defineRoute({
      ...manage,
      method: 'post',
      path: '/v1/webhooks/:id/disable',
      success: 200,
      params,
      body: emptyBody,
      summary: 'Stop sending to an endpoint; its pending deliveries wait until it is enabled again',
      examples: { response: { ...endpointExample, status: 'disabled', disabledReason: 'manual', disabledAt: '2026-12-06T11:00:00.000Z' } },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const row = await store.setEnabled(tenantOf(res), id, false);
        await changed(req, res, 'endpoint_disabled', row, { reason: 'manual' });
        res.json(webhookView(row));
      },
    }),
    defineRoute({
      ...manage,
      method: 'post',
      path: '/v1/webhooks/:id/enable',
      success: 200,
      params,
      body: emptyBody,
      summary: 'Send to an endpoint again (also one the dispatcher disabled after failures); its failure count starts over',
      examples: { response: endpointExample },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const row = await store.setEnabled(tenantOf(res), id, true);
        await changed(req, res, 'endpoint_enabled', row);
        res.json(webhookView(row));
      },
    }),
    defineRoute({
      ...manage,
      method: 'post',
      path: '/v1/webhooks/:id/rotate-secret',
      success: 200,
      params,
      body: emptyBody,
      summary: 'A new signing secret, returned once; the old one also signs for WEBHOOK_SECRET_ROTATION_OVERLAP_S',
      examples: { response: { ...endpointExample, previousSecretExpiresAt: '2026-12-07T10:00:00.000Z', secret: secretExample } },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const rotated = await store.rotateSecret(tenantOf(res), id, rotationOverlapS);
        await changed(req, res, 'secret_rotated', rotated.row, { previousSecretExpiresAt: rotated.row.previousSecretExpiresAt?.toISOString() ?? null });
        res.setHeader('Cache-Control', 'no-store');
        res.json({ ...webhookView(rotated.row), secret: rotated.secret });
      },
    }),
    defineRoute({
      ...manage,
      method: 'delete',
      path: '/v1/webhooks/:id',
      success: 200,
      params,
      summary: 'Delete an endpoint with its deliveries',
      examples: { response: endpointExample },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const row = await store.delete(tenantOf(res), id);
        await changed(req, res, 'endpoint_deleted', row, { url: row.url });
        res.json(webhookView(row));
      },
    }),
    defineRoute({
      ...read,
      method: 'get',
      path: '/v1/webhooks/:id/deliveries',
      success: 200,
      params,
      query: deliveriesQuery,
      summary: "An endpoint's deliveries, newest first, each with its latest attempts (status code, latency, error)",
      examples: { response: { data: [deliveryExample], nextCursor: null } },
      async handler(req: Request, res: Response) {
        const { id } = parseInput(params, req.params, 'params');
        const q = parseInput(deliveriesQuery, req.query, 'query');
        const page = await store.deliveries(tenantOf(res), id, q);
        res.json({ data: page.data.map((d) => deliveryView(d.delivery, d.attempts)), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      ...manage,
      method: 'post',
      path: '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
      success: 200,
      params: deliveryParams,
      body: emptyBody,
      summary: 'Send a delivery again now, with the same webhook-id; retries then follow within its original 3 days',
      examples: { response: { ...deliveryExample, status: 'pending', nextAttemptAt: '2026-12-06T12:00:00.000Z', attempts: [] } },
      async handler(req: Request, res: Response) {
        const { id, deliveryId } = parseInput(deliveryParams, req.params, 'params');
        parseInput(emptyBody, req.body ?? {}, 'body');
        const row = await store.redeliver(tenantOf(res), id, deliveryId);
        metrics.webhookEndpointChanges.inc({ action: 'redelivery_requested' });
        await audit.forRequest(req, res, {
          action: 'webhook.redelivery_requested',
          outcome: 'success',
          resourceType: 'webhook_delivery',
          resourceId: row.id,
          details: { endpointId: id, webhookId: row.messageId },
        });
        res.json(deliveryView(row));
      },
    }),
  ];
}
