import type { PgListener } from '../../shared/notify';

/**
 * Long-polls without polling: a waiting request is woken by the `operation_done` notification of
 * its operation (sent by PostgreSQL when the worker's transaction commits), so it costs no query
 * while it waits. `safetyMs` bounds a wait, in case a notification was lost (listener reconnecting).
 */
export class OperationWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    listener: PgListener,
    private readonly safetyMs = 5000,
  ) {
    listener.on(listener.channel('operation_done'), (id) => {
      // An empty payload comes after a reconnect: every waiter looks again.
      if (id === '') for (const set of this.waiting.values()) for (const wake of set) wake();
      else for (const wake of this.waiting.get(id) ?? []) wake();
    });
  }

  /**
   * Registers at once and resolves when the operation may have changed, or after `ms` (at most
   * `safetyMs`), or on abort. Register before reading the row, so a change in between is not missed.
   */
  wait(id: string, ms: number, abort?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set<() => void>();
      this.waiting.set(id, set);
      const done = () => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(id);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, this.safetyMs)));
      abort?.addEventListener('abort', done);
      set.add(done);
    });
  }

  get size(): number {
    let n = 0;
    for (const s of this.waiting.values()) n += s.size;
    return n;
  }
}
