import type { DomainWorker, EventHandler } from '../../shared/worker';
import { shipmentHandlers } from './handlers';

/** Shipments reacts to no other domain's events (yet); orders reacts to shipment.delivered. */
export const shipmentEventHandlers: EventHandler<never>[] = [];

/** The shipments domain as a worker process hosts it (its main.ts, `stateset worker`, the tests). */
export const shipmentsWorker: DomainWorker = {
  domain: 'shipments',
  options: () => ({ handlers: shipmentHandlers, eventHandlers: shipmentEventHandlers }),
};
