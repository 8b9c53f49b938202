import type { Config } from '../config';
import type { Deps } from '../container';
import type { Domain } from '../../schemas/catalog';
import { OutboxRelay } from '../outbox';
import { RetentionPurge } from '../retention';
import { runWorker, type DomainWorkerOptions, type Worker } from './run-worker';

/** A domain as a worker process hosts it: its name and how to wire it from the process's config. */
export interface DomainWorker {
  domain: Domain;
  options(config: Config): DomainWorkerOptions;
}

export interface WorkerHost {
  workers: Worker[];
  relay: OutboxRelay;
  /** The first domain whose consumer kafkajs gave up on (Worker.givenUp); the process should exit. */
  givenUp: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * Hosts one or more domains in one process: one container (ORM pool, producer, registry client),
 * one consumer group per domain as with one process each, and one outbox relay for the process.
 * Each domain has its own consumer, so a domain whose handler keeps failing (retrying in line)
 * stalls only its own partitions. The process also runs the retention purge (shared/retention).
 */
export async function startWorkerHost(deps: Deps, domains: readonly DomainWorker[]): Promise<WorkerHost> {
  const relay = new OutboxRelay(deps.orm, deps.publisher, deps.codec, deps.logger, deps.metrics, deps.config.OUTBOX_POLL_MS, deps.notifications);
  const workers: Worker[] = [];
  try {
    for (const w of await Promise.all(domains.map((d) => runWorker(deps, { domain: d.domain, ...d.options(deps.config) })))) workers.push(w);
  } catch (err) {
    await Promise.allSettled(workers.map((w) => w.stop()));
    throw err;
  }
  relay.start();
  const purge = new RetentionPurge(deps);
  purge.start();
  return {
    workers,
    relay,
    givenUp: Promise.race(workers.map((w) => w.givenUp)),
    async stop() {
      // Every domain finishes the batch in hand and leaves its group; then the relay flushes
      // what their last transactions wrote.
      await Promise.all(workers.map((w) => w.stop()));
      await purge.stop();
      await relay.stop();
    },
  };
}
