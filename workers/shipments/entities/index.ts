import { Shipment } from './shipments';

export * from './shipments';

/** The tables the shipments domain owns. */
export const shipmentEntities = [Shipment];
