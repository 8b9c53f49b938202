import type { DomainWorker, EventHandler } from '../../shared/worker';
import { returnHandlers } from './handlers';

/** Returns reacts to no other domain's events (yet); inventory reacts to return.restocked. */
export const returnEventHandlers: EventHandler<never>[] = [];

/** The returns domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const returnsWorker: DomainWorker = {
  domain: 'returns',
  options: () => ({ handlers: returnHandlers, eventHandlers: returnEventHandlers }),
};
