import { z } from 'zod';
import type { RouteSpec } from './route-spec';
import { assertOperationIds, operationIdOf } from './operation-id';
import { withImpliedBounds } from './openapi-bounds';
import { HEADERS, PROBLEM_SCHEMA, responseHeaders, SECURITY_SCHEMES, tagsOf } from './openapi-components';

/** `info.version` of the document: the HTTP contract's version, not the package's. */
export const API_VERSION = '1.0.0';

const problemRef = { $ref: '#/components/schemas/Problem' };
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  withImpliedBounds(js);
  return js;
}

/**
 * The bound of a request header the gateway reads without a length check of its own (surrounding
 * whitespace and list items are allowed): Node's limit on all request headers together, 16 KiB.
 */
const NODE_HEADER_LIMIT = 16_384;

/** A resource version as a strong entity tag, `"3"` (gateway/http/conditional.ts). */
const ETAG_HEADER = {
  description: 'The resource version as a strong entity tag',
  schema: { type: 'string', maxLength: 18, pattern: '^"[0-9]{1,16}"$' },
  example: '"3"',
};

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
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' } });
  }
  if (spec.etag) {
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'ETags the client holds (or `*`); when the resource is at one of them the answer is 304 with no body',
      schema: { type: 'string', maxLength: NODE_HEADER_LIMIT },
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
      schema: { type: 'string', maxLength: NODE_HEADER_LIMIT },
      examples: { version: { value: '"3"' }, anyOf: { value: '"3", "4"' }, exists: { value: '*' } },
    });
  }
  if (spec.path === '/v1/operations/:id') {
    // Only its `wait=N` is read.
    out.push({ name: 'Prefer', in: 'header', required: false, schema: { type: 'string', maxLength: NODE_HEADER_LIMIT, example: 'wait=10' } });
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

/** What the summary leaves out, then what every route of the API says about itself. */
function description(spec: RouteSpec): string {
  const access =
    spec.permission === 'public'
      ? 'Public: no credentials.'
      : spec.permission === 'authenticated'
        ? 'Any valid credential.'
        : `Requires the permission \`${spec.permission}\`.`;
  return [spec.description, `${access} Rate limit class: \`${spec.rateClass}\`.`].filter(Boolean).join('\n\n');
}

function responsesOf(spec: RouteSpec): Record<string, Record<string, unknown>> {
  const responses: Record<string, Record<string, unknown>> = {
    [String(spec.success)]: {
      description: spec.success === 202 ? 'Accepted; poll the operation in Location' : 'OK',
      ...((spec.examples?.response ?? spec.example) === undefined
        ? {}
        : { content: { 'application/json': { example: spec.examples?.response ?? spec.example } } }),
    },
    '400': problem('Invalid request'),
    '429': problem('Rate limited; retry after Retry-After'),
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
    responses[String(spec.success)] = { description: 'OK', headers: { ETag: ETAG_HEADER } };
    responses['304'] = { description: 'Not modified: If-None-Match names the current ETag', headers: { ETag: ETAG_HEADER } };
  }
  if (spec.ifMatch) {
    responses['202'] = {
      description: 'Accepted; poll the operation in Location. With If-Match, an operation whose resource was at another version ends `failed` with this error',
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
  // Headers a route declares itself (ETag, …) come on top of those every answer has.
  for (const [status, response] of Object.entries(responses)) response.headers = { ...responseHeaders(status), ...(response.headers as object | undefined) };
  return responses;
}

/**
 * OpenAPI 3.1 document derived from the same route specs the app mounts. `publicBaseUrl`
 * (PUBLIC_BASE_URL) is the server URL; without it the document names the server that serves it.
 */
export function buildOpenApi(specs: RouteSpec[], version: string, publicBaseUrl?: string): Record<string, unknown> {
  assertOperationIds(specs);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[spec.method] = {
      operationId: operationIdOf(spec),
      summary: spec.summary,
      description: description(spec),
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
      responses: responsesOf(spec),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'StateSet API',
      version,
      description: 'Commands answer 202 with an operation to poll; queries read PostgreSQL.',
      contact: { name: 'StateSet', url: 'https://stateset.io' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      publicBaseUrl
        ? { url: publicBaseUrl.replace(/\/+$/, ''), description: 'This deployment (PUBLIC_BASE_URL): production, staging or test', 'x-internal': false }
        : { url: '/', description: 'The gateway serving this document (local, or any environment without PUBLIC_BASE_URL)', 'x-internal': false },
    ],
    tags: tagsOf(specs.map((s) => s.tag)),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      headers: HEADERS,
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
