import type { Deps } from '../../shared/container';
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
