import type { DomainWorker } from '../../shared/worker';
import { orderHandlers } from './handlers';
import { onReservationFailed } from './events/on-reservation-failed';
import { onShipmentDelivered } from './events/on-shipment-delivered';

export const orderEventHandlers = [onReservationFailed, onShipmentDelivered];

/** The orders domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const ordersWorker: DomainWorker = {
  domain: 'orders',
  options: () => ({ handlers: orderHandlers, eventHandlers: orderEventHandlers }),
};
