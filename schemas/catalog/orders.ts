import { orderCancelBody, orderCreateBody, orderTransitionBody, orderUpdateBody } from '../http/orders';
import { emptyBody } from '../http/common';
import { command, event, type EventDefinition } from './types';

const base = { domain: 'orders', keyField: 'orderId', permission: 'orders:write', resourceType: 'order' } as const;

export const orderCommands = [
  command({
    ...base,
    type: 'order.create.v1',
    schemaFile: 'commands/orders/OrderCreate.avsc',
    route: { method: 'post', path: '/v1/orders' },
    summary: 'Create an order (status pending); totals are computed server-side',
    body: orderCreateBody,
    toPayload: (b, ctx) => ({
      orderId: ctx.newId(),
      customerId: b.customerId,
      currency: b.currency,
      items: b.items,
      shippingAddress: b.shippingAddress ?? null,
      billingAddress: b.billingAddress ?? null,
      notes: b.notes ?? null,
    }),
  }),
  command({
    ...base,
    type: 'order.update.v1',
    schemaFile: 'commands/orders/OrderUpdate.avsc',
    route: { method: 'patch', path: '/v1/orders/:id' },
    summary: 'Change an order while it is pending or confirmed',
    body: orderUpdateBody,
    toPayload: (b, ctx) => ({
      orderId: ctx.id,
      customerId: b.customerId ?? null,
      items: b.items ?? null,
      shippingAddress: b.shippingAddress ?? null,
      billingAddress: b.billingAddress ?? null,
      notes: b.notes ?? null,
    }),
  }),
  command({
    ...base,
    type: 'order.transition.v1',
    schemaFile: 'commands/orders/OrderTransition.avsc',
    route: { method: 'post', path: '/v1/orders/:id/transitions' },
    summary: 'Move an order to another status allowed by its state machine',
    body: orderTransitionBody,
    toPayload: (b, ctx) => ({ orderId: ctx.id, to: b.to, reason: b.reason ?? null }),
  }),
  command({
    ...base,
    type: 'order.cancel.v1',
    schemaFile: 'commands/orders/OrderCancel.avsc',
    route: { method: 'post', path: '/v1/orders/:id/cancel' },
    summary: 'Cancel an order; its stock reservation is released',
    body: orderCancelBody,
    toPayload: (b, ctx) => ({ orderId: ctx.id, reason: b.reason ?? null }),
  }),
  command({
    ...base,
    type: 'order.archive.v1',
    schemaFile: 'commands/orders/OrderArchive.avsc',
    route: { method: 'post', path: '/v1/orders/:id/archive' },
    summary: 'Archive a finished order (delivered, cancelled, refunded or exchanged)',
    body: emptyBody,
    toPayload: (_b, ctx) => ({ orderId: ctx.id }),
  }),
];

const orderEvent = { domain: 'orders', keyField: 'orderId' } as const;

export const orderEvents: EventDefinition[] = [
  event({ ...orderEvent, type: 'order.created.v1', schemaFile: 'events/orders/OrderCreated.avsc', versionOf: 'the order' }),
  event({ ...orderEvent, type: 'order.updated.v1', schemaFile: 'events/orders/OrderUpdated.avsc', versionOf: 'the order' }),
  event({ ...orderEvent, type: 'order.status_changed.v1', schemaFile: 'events/orders/OrderStatusChanged.avsc', versionOf: 'the order' }),
  event({ ...orderEvent, type: 'order.cancelled.v1', schemaFile: 'events/orders/OrderCancelled.avsc', versionOf: 'the order' }),
  event({ ...orderEvent, type: 'order.archived.v1', schemaFile: 'events/orders/OrderArchived.avsc', versionOf: 'the order' }),
];
