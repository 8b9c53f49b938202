import type { Deps } from '../container';

const DAY_MS = 86_400_000;

export interface PurgeLimits {
  /** Rows per DELETE: each statement stays short and holds few locks. */
  batch: number;
  /** DELETEs per table per run: a large backlog is worked off over several runs, never in one long burst. */
  maxBatches: number;
}

const DEFAULT_LIMITS: PurgeLimits = { batch: 1000, maxBatches: 20 };

/**
 * One run of the retention purge: finished operations created more than OPERATION_RETENTION_DAYS
 * ago and events feed rows older than EVENT_RETENTION_DAYS, deleted in bounded batches. An
 * operation still `accepted` is kept whatever its age (it is not finished; an operator looks at it).
 * The rows are picked FOR UPDATE SKIP LOCKED, so several worker processes purging at once never
 * wait on each other nor on a worker that holds an operation row. Returns the rows deleted.
 */
export async function purgeExpired(deps: Deps, now = new Date(), limits: PurgeLimits = DEFAULT_LIMITS): Promise<{ operations: number; events: number }> {
  const operationsBefore = new Date(now.getTime() - deps.config.OPERATION_RETENTION_DAYS * DAY_MS);
  const eventsBefore = new Date(now.getTime() - deps.config.EVENT_RETENTION_DAYS * DAY_MS);
  const operations = await deleteInBatches(
    deps,
    `delete from operations where id in (
       select id from operations where created_at < ? and status in ('succeeded', 'failed', 'cancelled')
       order by created_at limit ? for update skip locked)`,
    operationsBefore,
    limits,
  );
  deps.metrics.retentionPurged.inc({ table: 'operations' }, operations);
  const events = await deleteInBatches(
    deps,
    `delete from events where seq in (
       select seq from events where occurred_at < ? order by occurred_at limit ? for update skip locked)`,
    eventsBefore,
    limits,
  );
  deps.metrics.retentionPurged.inc({ table: 'events' }, events);
  return { operations, events };
}

async function deleteInBatches(deps: Deps, sql: string, before: Date, limits: PurgeLimits): Promise<number> {
  let total = 0;
  for (let i = 0; i < limits.maxBatches; i++) {
    const { affectedRows } = await deps.orm.em.fork().execute<{ affectedRows: number }>(sql, [before, limits.batch], 'run');
    total += affectedRows;
    if (affectedRows < limits.batch) break;
  }
  return total;
}

/** The purge on a timer, in every worker process (RETENTION_PURGE_INTERVAL_MS); a failed run is logged and tried again at the next. */
export class RetentionPurge {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: Deps) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = purgeExpired(this.deps)
        .then(({ operations, events }) => {
          if (operations + events > 0) this.deps.logger.info({ operations, events }, 'retention purge deleted expired rows');
        })
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'retention purge failed; will run again'))
        .finally(() => (this.running = null));
    }, this.deps.config.RETENTION_PURGE_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
