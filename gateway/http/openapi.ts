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
  if (spec.path === '/v1/operations/:id') {
    // Only its `wait=N` is read; the bound is Node's limit on all request headers together (16 KiB).
    out.push({ name: 'Prefer', in: 'header', required: false, schema: { type: 'string', maxLength: 16384, example: 'wait=10' } });
  }
  return out;
}

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
      ...(spec.example === undefined ? {} : { content: { 'application/json': { example: spec.example } } }),
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
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } } : {}),
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
