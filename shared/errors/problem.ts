import { StatesetError, type FieldIssue } from './base';
import {
  AuthenticationError,
  BusinessRuleError,
  ConflictError,
  IdempotencyMismatchError,
  InputError,
  InvalidTransitionError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitedError,
  UnsupportedMediaTypeError,
} from './domain';
import { DependencyUnavailableError } from './infra';

/** RFC 9457 problem details, as served by the gateway and stored on failed operations. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldIssue[];
}

const TYPE_BASE = 'https://stateset.io/problems/';

interface Mapping {
  status: number;
  slug: string;
  title: string;
  detail?: (e: Error) => string;
}

/** The one table from error class to problem; first match wins. */
const TABLE: [new (...args: never[]) => Error, Mapping][] = [
  [InputError, { status: 400, slug: 'invalid-request', title: 'Invalid request' }],
  [AuthenticationError, { status: 401, slug: 'unauthenticated', title: 'Authentication required', detail: () => 'valid credentials are required' }],
  [PermissionDeniedError, { status: 403, slug: 'forbidden', title: 'Forbidden', detail: () => 'the credentials do not grant this action' }],
  [NotFoundError, { status: 404, slug: 'not-found', title: 'Not found' }],
  [MethodNotAllowedError, { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' }],
  [InvalidTransitionError, { status: 409, slug: 'invalid-transition', title: 'Invalid state transition' }],
  [ConflictError, { status: 409, slug: 'conflict', title: 'Conflict' }],
  [PreconditionFailedError, { status: 412, slug: 'precondition-failed', title: 'Precondition failed' }],
  [PayloadTooLargeError, { status: 413, slug: 'payload-too-large', title: 'Payload too large' }],
  [UnsupportedMediaTypeError, { status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type' }],
  [IdempotencyMismatchError, { status: 422, slug: 'idempotency-key-reused', title: 'Idempotency key reused with a different request' }],
  [BusinessRuleError, { status: 422, slug: 'business-rule-violated', title: 'Business rule violated' }],
  [RateLimitedError, { status: 429, slug: 'rate-limited', title: 'Too many requests', detail: () => 'rate limit exceeded; retry later' }],
  [
    DependencyUnavailableError,
    {
      status: 503,
      slug: 'service-unavailable',
      title: 'Service unavailable',
      detail: () => 'a required service is temporarily unavailable; retry later',
    },
  ],
];

export function problemFor(err: unknown): Problem {
  for (const [cls, m] of TABLE) {
    if (err instanceof cls) {
      const p: Problem = {
        type: TYPE_BASE + m.slug,
        title: m.title,
        status: m.status,
        detail: m.detail ? m.detail(err) : err.message,
      };
      if (err instanceof InputError && err.issues.length > 0) p.errors = err.issues;
      return p;
    }
  }
  return {
    type: TYPE_BASE + 'internal',
    title: 'Internal error',
    status: 500,
    detail: err instanceof StatesetError ? 'the request could not be completed' : 'an unexpected error occurred',
  };
}

export function problemWith(status: number, slug: string, title: string, detail: string): Problem {
  return { type: TYPE_BASE + slug, title, status, detail };
}
