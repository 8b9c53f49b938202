import { orderCreateBody } from '../http/orders';
import { command, type CommandDefinition, type EventDefinition } from './types';

export const orderCommands: CommandDefinition[] = [
  command({
    type: 'order.create.v1',
    domain: 'orders',
    schemaFile: 'commands/orders/OrderCreate.avsc',
    keyField: 'orderId',
    route: { method: 'post', path: '/v1/orders' },
    permission: 'orders:write',
    resourceType: 'order',
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
];

export const orderEvents: EventDefinition[] = [
  { type: 'order.created.v1', domain: 'orders', schemaFile: 'events/orders/OrderCreated.avsc', keyField: 'orderId' },
];
