import type { DomainWorker } from '../../shared/worker';
import { returnHandlers } from './handlers';
import { onRestockSettled } from './events/on-restock-settled';

/** Inventory reacts to return.restocked; returns to what inventory made of it. */
export const returnEventHandlers = [onRestockSettled];

/** The returns domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const returnsWorker: DomainWorker = {
  domain: 'returns',
  options: () => ({ handlers: returnHandlers, eventHandlers: returnEventHandlers }),
};
