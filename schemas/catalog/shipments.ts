import { shipmentCreateBody, shipmentExceptionBody, shipmentShipBody } from '../http/shipments';
import { emptyBody } from '../http/common';
import { command, event, type EventDefinition } from './types';

const base = { domain: 'shipments', keyField: 'shipmentId', permission: 'shipments:write', resourceType: 'shipment' } as const;

export const shipmentCommands = [
  command({
    ...base,
    type: 'shipment.create.v1',
    schemaFile: 'commands/shipments/ShipmentCreate.avsc',
    route: { method: 'post', path: '/v1/shipments' },
    summary: 'Create a shipment for an order (without lines: every line of the order)',
    body: shipmentCreateBody,
    toPayload: (b, ctx) => ({ shipmentId: ctx.newId(), orderId: b.orderId, carrier: b.carrier ?? null, lines: b.lines ?? null }),
  }),
  command({
    ...base,
    type: 'shipment.ship.v1',
    schemaFile: 'commands/shipments/ShipmentShip.avsc',
    route: { method: 'post', path: '/v1/shipments/:id/ship' },
    summary: 'Hand a created shipment to the carrier, with its tracking number',
    body: shipmentShipBody,
    toPayload: (b, ctx) => ({ shipmentId: ctx.id, carrier: b.carrier, trackingNumber: b.trackingNumber }),
  }),
  command({
    ...base,
    type: 'shipment.in_transit.v1',
    schemaFile: 'commands/shipments/ShipmentInTransit.avsc',
    route: { method: 'post', path: '/v1/shipments/:id/in-transit' },
    summary: 'Record that a shipped shipment is in transit',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ shipmentId: ctx.id }),
  }),
  command({
    ...base,
    type: 'shipment.deliver.v1',
    schemaFile: 'commands/shipments/ShipmentDeliver.avsc',
    route: { method: 'post', path: '/v1/shipments/:id/deliver' },
    summary: 'Record delivery of a shipment in transit; its order becomes delivered',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ shipmentId: ctx.id }),
  }),
  command({
    ...base,
    type: 'shipment.exception.v1',
    schemaFile: 'commands/shipments/ShipmentException.avsc',
    route: { method: 'post', path: '/v1/shipments/:id/exception' },
    summary: 'Record a carrier exception on a shipment in transit, with the reason',
    body: shipmentExceptionBody,
    toPayload: (b, ctx) => ({ shipmentId: ctx.id, reason: b.reason }),
  }),
];

const shipmentEvent = { domain: 'shipments', keyField: 'shipmentId' } as const;

export const shipmentEvents: EventDefinition[] = [
  event({ ...shipmentEvent, type: 'shipment.created.v1', schemaFile: 'events/shipments/ShipmentCreated.avsc', versionOf: 'the shipment' }),
  event({ ...shipmentEvent, type: 'shipment.status_changed.v1', schemaFile: 'events/shipments/ShipmentStatusChanged.avsc', versionOf: 'the shipment' }),
  event({ ...shipmentEvent, type: 'shipment.delivered.v1', schemaFile: 'events/shipments/ShipmentDelivered.avsc', versionOf: 'the shipment' }),
];
