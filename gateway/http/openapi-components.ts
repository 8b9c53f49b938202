/**
 * The reusable parts of the OpenAPI document: the response headers the gateway sends, the problem
 * body, the security schemes and the tags. Limits written here are the ones the gateway keeps.
 */

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The caller's budget, per draft-ietf-httpapi-ratelimit-headers; set by gateway/middleware/rate-limit.ts. */
const rateLimitHeaders = {
  RateLimit: {
    description:
      'The remaining budget of the policy that applies: `"<policy>";r=<remaining>;t=<seconds until a slot frees>` ' +
      '(draft-ietf-httpapi-ratelimit-headers). The same numbers are also sent as `X-RateLimit-Limit`, ' +
      '`X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds). Sent on every answer the rate limiter ' +
      'saw: not on 413, 415 or malformed JSON (refused before it), nor while Redis is unavailable.',
    schema: { type: 'string', maxLength: 128, pattern: '^"[a-z-]+";r=\\d+;t=\\d+$', example: '"read";r=599;t=60' },
  },
  'RateLimit-Policy': {
    description: 'The policy behind RateLimit: `"<policy>";q=<requests>;w=<window seconds>`. Sent with RateLimit.',
    schema: { type: 'string', maxLength: 128, pattern: '^"[a-z-]+";q=\\d+;w=\\d+$', example: '"read";q=600;w=60' },
  },
};

export const HEADERS = {
  ...rateLimitHeaders,
  'Retry-After': {
    description: 'Seconds to wait before the next try (429, 503) or the next poll of the operation (202).',
    required: true,
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600, example: 1 },
  },
  'X-Request-Id': {
    description: "Identifies the request in logs and in problem bodies: the caller's own X-Request-Id if well-formed, else a new UUID.",
    required: true,
    schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]{8,128}$' },
  },
  'Access-Control-Allow-Origin': {
    description: 'Only for a browser request from an origin listed in CORS_ORIGINS (none by default): that origin.',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
  Location: {
    description: 'The operation to poll: `/v1/operations/{id}`.',
    required: true,
    schema: { type: 'string', format: 'uri-reference', maxLength: 64, example: '/v1/operations/6f1c2f0e-8d5b-4c1a-9a51-2b8f7d3e4c10' },
  },
  'WWW-Authenticate': {
    description: 'The schemes this API accepts.',
    required: true,
    schema: { type: 'string', const: 'Bearer realm="stateset", ApiKey header="X-API-Key"' },
  },
} as const;

/** The headers of an answer with status `status` (a string, as the document keys responses). */
export function responseHeaders(status: string): Record<string, unknown> {
  const names = ['RateLimit', 'RateLimit-Policy', 'X-Request-Id', 'Access-Control-Allow-Origin'];
  if (status === '202') names.push('Location', 'Retry-After');
  if (status === '429' || status === '503') names.push('Retry-After');
  if (status === '401') names.push('WWW-Authenticate');
  return Object.fromEntries(names.map((n) => [n, ref(n)]));
}

/**
 * Only ever an answer. `detail`, `instance` and the field errors may echo the request (its path, an
 * unknown field's name), so they are as long as it may be and state no maxLength of their own.
 */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details; never a stack trace.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', maxLength: 200, example: 'https://stateset.io/problems/invalid-request' },
    title: { type: 'string', maxLength: 200 },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', format: 'uri-reference', description: 'The request path, without its query.' },
    requestId: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]{8,128}$' },
    errors: {
      type: 'array',
      description: 'One entry per invalid field (400), at most 50.',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', example: 'body.items.0.sku' },
          message: { type: 'string' },
        },
      },
    },
  },
};

export const SECURITY_SCHEMES = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key (`sk_<env>_…`), created with POST /v1/api-keys and shown once; the gateway keeps only a keyed hash. ' +
      'It holds a role or a subset of its creator’s permissions, and may expire or be revoked. Only in this header, never in a URL.',
  },
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A signed JWT (JWS) from POST /v1/auth/token or from a configured external issuer, only in `Authorization: Bearer`, ' +
      'never in a query string. Verification follows the JWT best current practices of RFC8725: an allow-list of ' +
      'algorithms per key (never `none`), `exp` required, `iss` and `aud` checked, `kid` selecting the key, a bounded ' +
      'clock skew (JWT_CLOCK_SKEW_S). Tokens this gateway issues live at most JWT_TTL_S (≤ 1 h) and never outlive their key.',
  },
};

const TAG_DESCRIPTIONS: Record<string, string> = {
  health: 'Liveness, readiness and metrics.',
  auth: 'Short-lived tokens and the keys that verify them.',
  'api-keys': "The tenant's API keys.",
  orders: 'Orders and their state machine.',
  inventory: 'Stock per SKU and location, and reservations.',
  returns: 'Returns of delivered orders.',
  shipments: 'Shipments and their carrier events.',
  warranties: 'Warranties and their claims.',
  operations: 'Accepted commands and their outcome.',
  events: "The tenant's domain events, in order.",
  audit: "The tenant's audit trail.",
  webhooks: 'Endpoints that receive events.',
};

/** The document's tag list: every tag a route uses, in the order first used. */
export function tagsOf(used: readonly string[]): { name: string; description: string }[] {
  return [...new Set(used)].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `Routes of ${name}.` }));
}
