import { StateMachine } from '../../shared/domain';
import type { ShipmentStatus } from './entities';

/**
 * ARCHITECTURE.md: created → shipped → in_transit → delivered | exception, read literally:
 * - shipped → delivered is NOT allowed: a carrier's delivery scan with no in-transit scan is
 *   recorded as in-transit first, then delivered (two commands), so every delivered shipment has
 *   passed through in_transit and the table stays the architecture's.
 * - exception is reachable from in_transit only, and delivered and exception are final (a parcel
 *   lost in an exception is re-sent as a new shipment).
 */
export const shipmentStates = new StateMachine<ShipmentStatus>('shipment', {
  created: ['shipped'],
  shipped: ['in_transit'],
  in_transit: ['delivered', 'exception'],
  delivered: [],
  exception: [],
});
