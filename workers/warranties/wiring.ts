import type { Deps } from '../../shared/container';
import type { DomainWorker, EventHandler } from '../../shared/worker';
import { warrantyHandlers } from './handlers';
import { expireWarranties } from './expiry';

/** Warranties reacts to no other domain's events (yet). */
export const warrantyEventHandlers: EventHandler<never>[] = [];

export function warrantyTimers() {
  return [{ name: 'warranty-expiry', everyMs: 5000, run: (deps: Deps) => expireWarranties(deps).then(() => undefined) }];
}

/** The warranties domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const warrantiesWorker: DomainWorker = {
  domain: 'warranties',
  options: () => ({ handlers: warrantyHandlers, eventHandlers: warrantyEventHandlers, timers: warrantyTimers() }),
};
