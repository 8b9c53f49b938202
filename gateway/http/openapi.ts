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
  if (spec.path === '/v1/operations/:id') {
    out.push({ name: 'Prefer', in: 'header', required: false, schema: { type: 'string', example: 'wait=10' } });
  }
  return out;
}

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
