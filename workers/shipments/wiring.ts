import type { EventHandler } from '../../shared/worker';

/** Shipments reacts to no other domain's events (yet); orders reacts to shipment.delivered. */
export const shipmentEventHandlers: EventHandler<never>[] = [];
