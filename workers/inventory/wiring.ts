import type { Deps } from '../../shared/container';
import { onOrderCancelled } from './events/on-order-cancelled';
import { onOrderCreated } from './events/on-order-created';
import { expireReservations } from './expiry';

export function inventoryEventHandlers(reservationTtlSeconds: number) {
  return [onOrderCreated(reservationTtlSeconds), onOrderCancelled];
}

export function inventoryTimers() {
  return [{ name: 'reservation-expiry', everyMs: 1000, run: (deps: Deps) => expireReservations(deps).then(() => undefined) }];
}
