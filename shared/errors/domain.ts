import { StatesetError, type FieldIssue } from './base';

/** Input that fails validation: a client mistake. */
export class InputError extends StatesetError {
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Aggregate or resource missing — or belonging to another tenant, which must look the same. */
export class NotFoundError extends StatesetError {}

/** A state-machine transition that the current state does not allow. */
export class InvalidTransitionError extends StatesetError {
  constructor(
    readonly aggregate: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${aggregate} cannot go from ${from} to ${to}`);
  }
}

/** A business rule (not a transition) that forbids the command, e.g. insufficient stock. */
export class BusinessRuleError extends StatesetError {
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

/** A conflicting request: an idempotency key still in flight, an optimistic-lock clash. */
export class ConflictError extends StatesetError {}

/**
 * A command's `If-Match` named versions of its resource and the resource is at another one: the
 * client decided on a state that has changed since. Nothing of the command is applied.
 */
export class PreconditionFailedError extends StatesetError {}

/** Same idempotency key with another request fingerprint. */
export class IdempotencyMismatchError extends StatesetError {}

export class UnsupportedMediaTypeError extends StatesetError {}
export class PayloadTooLargeError extends StatesetError {}
export class MethodNotAllowedError extends StatesetError {
  constructor(readonly allowed: string[]) {
    super(`method not allowed; allowed: ${allowed.join(', ')}`);
  }
}

/** Authentication failed. `reason` is for metrics and audit only, never for the client. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'unknown_key'
  | 'revoked'
  | 'expired'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'not_yet_valid'
  | 'tenant_not_allowed'
  | 'role_not_allowed';

export class AuthenticationError extends StatesetError {
  constructor(
    readonly reason: AuthFailureReason,
    readonly scheme: 'api_key' | 'jwt' | 'none',
    readonly keyHint?: string,
  ) {
    super('authentication failed');
  }
}

export class PermissionDeniedError extends StatesetError {
  constructor(readonly permission: string) {
    super(`missing permission ${permission}`);
  }
}

export class RateLimitedError extends StatesetError {
  constructor(
    readonly policy: string,
    readonly retryAfterS: number,
  ) {
    super('rate limit exceeded');
  }
}
