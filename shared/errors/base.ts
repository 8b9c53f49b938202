/**
 * One family of errors for the whole platform. Domain errors say what went wrong in business
 * terms and carry no HTTP status: the gateway's error handler and the worker runner are the only
 * places that decide what an error becomes. Infrastructure errors carry `retriable`.
 */
export class StatesetError extends Error {
  readonly retriable: boolean;
  override readonly cause?: unknown;

  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message);
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}
