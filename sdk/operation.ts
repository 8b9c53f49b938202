import type { OperationView } from '../gateway/services/operation-view';
import { OperationCancelledError, OperationFailedError, OperationTimeoutError, problemOf } from './errors';
import type { Transport } from './transport';

export type { OperationView };

/** The longest `Prefer: wait` the gateway honours; a longer wait is several requests. */
export const MAX_WAIT_PER_REQUEST_S = 30;

export interface WaitOptions {
  /** Give up after this many seconds in all (default 60): OperationTimeoutError, the operation goes on. */
  timeoutS?: number;
  /**
   * Default true: resolve only for `succeeded`; `failed` throws OperationFailedError (the stored
   * problem), `cancelled` OperationCancelledError. False: resolve with whatever final state it reached.
   */
  throwOnFailure?: boolean;
  signal?: AbortSignal;
}

/**
 * An accepted command (202): its id, status and the resource it points at, and `wait()`, which
 * long-polls `GET /v1/operations/{id}` with `Prefer: wait=N` until the operation is done.
 */
export class Operation implements OperationView {
  id!: string;
  type!: string;
  status!: OperationView['status'];
  done!: boolean;
  createdAt!: string;
  updatedAt!: string;
  resource?: OperationView['resource'];
  error?: OperationView['error'];

  constructor(
    private readonly transport: Transport,
    view: OperationView,
  ) {
    Object.defineProperty(this, 'transport', { enumerable: false });
    this.update(view);
  }

  /** The id of the resource the command created or changed (the operation's `resource.id`). */
  get resourceId(): string | undefined {
    return this.resource?.id;
  }

  /** The operation as the API last answered it, as plain data. */
  toJSON(): OperationView {
    const { id, type, status, done, createdAt, updatedAt, resource, error } = this;
    return { id, type, status, done, createdAt, updatedAt, ...(resource ? { resource } : {}), ...(error ? { error } : {}) };
  }

  /** Reads the operation again (no waiting). */
  async refresh(): Promise<this> {
    const answer = await this.transport.send<OperationView>({ method: 'GET', path: `/v1/operations/${encodeURIComponent(this.id)}` });
    this.update(answer.body);
    return this;
  }

  /** Waits until the operation is done; see WaitOptions for what a failed or cancelled one does. */
  async wait(opts: WaitOptions = {}): Promise<this> {
    const deadline = Date.now() + (opts.timeoutS ?? 60) * 1000;
    while (!this.done) {
      const leftS = Math.floor((deadline - Date.now()) / 1000);
      if (leftS < 1) throw new OperationTimeoutError(this.toJSON());
      const waitS = Math.min(MAX_WAIT_PER_REQUEST_S, leftS);
      const asked = Date.now();
      const answer = await this.transport.send<OperationView>({
        method: 'GET',
        path: `/v1/operations/${encodeURIComponent(this.id)}`,
        headers: { prefer: `wait=${waitS}` },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      this.update(answer.body);
      // Answered before the time asked for without being done (the per-caller wait quota was used
      // up, or the wait was cut short): pause as the answer asks instead of polling in a tight loop.
      if (!this.done && Date.now() - asked < waitS * 1000) {
        const pauseS = Math.min(Number(answer.headers.get('retry-after')) || 1, Math.max(0, (deadline - Date.now()) / 1000));
        await new Promise((resolve) => setTimeout(resolve, pauseS * 1000));
      }
    }
    if (opts.throwOnFailure === false || this.status === 'succeeded') return this;
    if (this.status === 'cancelled') throw new OperationCancelledError(this.toJSON());
    throw new OperationFailedError(problemOf(422, 'Operation failed', this.error, undefined), this.toJSON());
  }

  private update(view: OperationView): void {
    this.id = view.id;
    this.type = view.type;
    this.status = view.status;
    this.done = view.done;
    this.createdAt = view.createdAt;
    this.updatedAt = view.updatedAt;
    this.resource = view.resource;
    this.error = view.error;
  }
}
