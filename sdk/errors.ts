/** One field the API refused, as a problem's `errors` lists it (`body.items.0.quantity`, `If-Match`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** RFC 9457 problem details, as the API answers them (application/problem+json) and stores them on failed operations. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldIssue[];
}

/**
 * An answer of the API that is not a success, typed as the problem it carries. Answers without a
 * problem body (a proxy's 502 page) become a problem of type `about:blank` with the HTTP status.
 */
export class ProblemError extends Error implements Problem {
  override readonly name: string = 'ProblemError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: FieldIssue[];

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.requestId = problem.requestId;
    this.errors = problem.errors ?? [];
  }

  /** The short name of the problem type (`invalid-transition`, `rate-limited`), or the whole type if it is not one of this API's. */
  get slug(): string {
    return this.type.replace(/^https:\/\/stateset\.io\/problems\//, '');
  }
}

/** An operation the platform ended `failed`: the problem is the one the worker stored on it (e.g. 409 invalid-transition). */
export class OperationFailedError extends ProblemError {
  override readonly name = 'OperationFailedError';
  constructor(
    problem: Problem,
    readonly operation: { id: string; type: string; status: string },
  ) {
    super(problem);
  }
}

/** An operation that ended `cancelled` (POST /v1/operations/{id}/cancel): its command had no effect. */
export class OperationCancelledError extends Error {
  override readonly name = 'OperationCancelledError';
  constructor(readonly operation: { id: string; type: string; status: string }) {
    super(`operation ${operation.id} (${operation.type}) was cancelled`);
  }
}

/** `wait()` gave up before the operation was done; the operation goes on, `operation` is the last state seen. */
export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError';
  constructor(readonly operation: { id: string; type: string; status: string }) {
    super(`operation ${operation.id} (${operation.type}) not done in time (still ${operation.status})`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The problem of an error answer: its problem+json body when it has one, else one made from the status. */
export function problemOf(status: number, statusText: string, body: unknown, requestId: string | undefined): Problem {
  if (isRecord(body) && typeof body.type === 'string' && typeof body.title === 'string') {
    return {
      type: body.type,
      title: body.title,
      status: typeof body.status === 'number' ? body.status : status,
      ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
      ...(typeof body.instance === 'string' ? { instance: body.instance } : {}),
      ...(typeof body.requestId === 'string' ? { requestId: body.requestId } : requestId ? { requestId } : {}),
      ...(Array.isArray(body.errors) ? { errors: body.errors as FieldIssue[] } : {}),
    };
  }
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status, ...(requestId ? { requestId } : {}) };
}
