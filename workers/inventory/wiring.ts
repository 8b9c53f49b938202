import type { Deps } from '../../shared/container';
import type { DomainWorker } from '../../shared/worker';
import { inventoryHandlers } from './handlers';
import { onOrderCancelled } from './events/on-order-cancelled';
import { onOrderCreated } from './events/on-order-created';
import { onReturnRestocked } from './events/on-return-restocked';
import { expireReservations } from './expiry';

export function inventoryEventHandlers(reservationTtlSeconds: number) {
  return [onOrderCreated(reservationTtlSeconds), onOrderCancelled, onReturnRestocked];
}

export function inventoryTimers() {
  return [{ name: 'reservation-expiry', everyMs: 1000, run: (deps: Deps) => expireReservations(deps).then(() => undefined) }];
}

/** The inventory domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const inventoryWorker: DomainWorker = {
  domain: 'inventory',
  options: (config) => ({
    handlers: inventoryHandlers(config.RESERVATION_TTL_S),
    eventHandlers: inventoryEventHandlers(config.RESERVATION_TTL_S),
    timers: inventoryTimers(),
  }),
};
