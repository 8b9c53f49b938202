import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import type { CommandHandler, EventHandler } from './handler';

/** What one domain brings to a worker process: its commands, its reactions, its timers. */
export interface DomainWorkerOptions {
  handlers: CommandHandler<never>[];
  eventHandlers?: EventHandler<never>[];
  /** Periodic work inside the worker (e.g. expiring reservations), each in its own transaction. */
  timers?: { name: string; everyMs: number; run(deps: Deps): Promise<void> }[];
  /** Most messages applied in one transaction (default 200). */
  batchSize?: number;
  hooks?: WorkerHooks;
}

export interface WorkerOptions extends DomainWorkerOptions {
  domain: Domain;
}

/** Work committed in PostgreSQL whose offsets are about to be committed in Kafka. */
export interface CommittedWork {
  topic: string;
  partition: number;
  /** Offsets of the messages the transaction (or DLQ write) settled, in order. */
  offsets: string[];
}

export interface WorkerHooks {
  /** Runs after a transaction committed and before its offsets are committed; a throw leaves them uncommitted (tests: a crash). */
  beforeOffsetCommit?(work: CommittedWork): Promise<void> | void;
}
