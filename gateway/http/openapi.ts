import { z } from 'zod';
import type { RouteSpec } from './route-spec';

const problemRef = { $ref: '#/components/schemas/Problem' };
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

function parameters(spec: RouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  if (spec.success === 202) {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } });
  }
  if (spec.etag) {
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'ETags the client holds (or `*`); when the resource is at one of them the answer is 304 with no body',
      schema: { type: 'string' },
      example: '"3"',
    });
  }
  if (spec.ifMatch) {
    out.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'Apply the command only if the resource is at one of these versions (its ETag from GET; `*`: it exists). The worker checks it in the ' +
        "command's transaction: on a mismatch nothing changes and the operation ends `failed` with a 412 problem (see the 202 response). " +
        'A malformed value, a weak tag or one this API never issues → 400. Part of the Idempotency-Key fingerprint.',
      schema: { type: 'string' },
      examples: { version: { value: '"3"' }, anyOf: { value: '"3", "4"' }, exists: { value: '*' } },
    });
  }
  if (spec.path === '/v1/operations/:id') {
    out.push({ name: 'Prefer', in: 'header', required: false, schema: { type: 'string', example: 'wait=10' } });
  }
  return out;
}

/** What GET /v1/operations/{id} answers for a command whose If-Match did not hold. */
const PRECONDITION_FAILED_EXAMPLE = {
  id: '0b6f3c1e-5d2a-4f7e-9c1b-2a3d4e5f6a7b',
  type: 'order.transition.v1',
  status: 'failed',
  done: true,
  createdAt: '2026-12-06T10:00:00.000Z',
  updatedAt: '2026-12-06T10:00:00.120Z',
  resource: { type: 'order', id: '5f0c2d7e-8a1b-4c3d-9e2f-1a2b3c4d5e6f', href: '/v1/orders/5f0c2d7e-8a1b-4c3d-9e2f-1a2b3c4d5e6f' },
  error: {
    type: 'https://stateset.io/problems/precondition-failed',
    title: 'Precondition failed',
    status: 412,
    detail: 'the resource is at version "4", not "3" as If-Match requires; nothing was changed',
    instance: '/v1/operations/0b6f3c1e-5d2a-4f7e-9c1b-2a3d4e5f6a7b',
  },
};

/** OpenAPI 3.1 document derived from the same route specs the app mounts. */
export function buildOpenApi(specs: RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(spec.success)]: {
        description: spec.success === 202 ? 'Accepted; poll the operation in Location' : 'OK',
        ...((spec.examples?.response ?? spec.example) === undefined
          ? {}
          : { content: { 'application/json': { example: spec.examples?.response ?? spec.example } } }),
      },
      '400': problem('Invalid request'),
      '429': problem('Rate limited'),
      '500': problem('Internal error'),
    };
    if (spec.permission !== 'public') {
      responses['401'] = problem('Authentication required (the same answer whatever the reason)');
      responses['403'] = problem(spec.permission === 'authenticated' ? 'The credential may not do this' : `Missing permission ${spec.permission}`);
    }
    if (spec.rateClass === 'write' || spec.rateClass === 'auth') responses['503'] ??= problem('Rate limiter (Redis) unavailable; retry after Retry-After');
    if (spec.path.includes(':id')) responses['404'] = problem("Not found (also for another tenant's resources)");
    if (spec.body) {
      responses['413'] = problem('Body too large');
      responses['415'] = problem('Body is not application/json');
    }
    if (spec.etag) {
      responses[String(spec.success)] = {
        description: 'OK',
        headers: { ETag: { description: 'The resource version as a strong entity tag', schema: { type: 'string' }, example: '"3"' } },
      };
      responses['304'] = {
        description: 'Not modified: If-None-Match names the current ETag',
        headers: { ETag: { schema: { type: 'string' }, example: '"3"' } },
      };
    }
    if (spec.ifMatch) {
      responses['202'] = {
        description:
          'Accepted; poll the operation in Location. With If-Match, an operation whose resource was at another version ends `failed` with this error',
        content: { 'application/json': { examples: { preconditionFailed: { summary: 'If-Match did not hold', value: PRECONDITION_FAILED_EXAMPLE } } } },
      };
      responses['400'] = problem('Invalid request, or a malformed If-Match');
    }
    if (spec.success === 202) {
      responses['409'] = problem('Idempotency-Key still in flight');
      responses['422'] = problem('Idempotency-Key reused with another body');
      responses['503'] = problem('Kafka or the schema registry unavailable; nothing was accepted');
    }
    for (const [status, when] of Object.entries(spec.errors ?? {})) responses[status] = problem(when);
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      'x-permission': spec.permission,
      security: spec.permission === 'public' ? [] : [{ apiKey: [] }, { bearer: [] }],
      parameters: parameters(spec),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: jsonSchema(spec.body), ...(spec.examples?.request !== undefined ? { example: spec.examples.request } : {}) },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'StateSet API', version, description: 'Commands answer 202 with an operation to poll; queries read PostgreSQL.' },
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
