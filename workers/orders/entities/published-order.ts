import { EntitySchema } from '@mikro-orm/core';
import type { OrderLineValue, OrderStatus } from './orders';

/**
 * What the orders domain publishes to the other domains (returns, shipments, warranties): an order's
 * status and lines, read in the reader's own transaction so a command sees every order change
 * committed before it. The orders domain may reshape its table as long as `published_orders()` keeps
 * these columns.
 *
 * The SQL function is the contract's boundary, not a convenience: PostgreSQL takes no row lock
 * through a function (`FOR UPDATE` on its rows locks nothing), and its rows cannot be written, so no
 * other domain can lock or change an order, whatever lock mode it asks for
 * (test/integration/workers/published-order.test.ts). Being a plain SQL function it is inlined, so
 * a filter on id uses the orders primary key.
 */
export interface PublishedOrderRow {
  id: string;
  tenantId: string;
  status: OrderStatus;
  items: OrderLineValue[];
}

export const PublishedOrder = new EntitySchema<PublishedOrderRow>({
  name: 'PublishedOrder',
  expression: 'select * from published_orders()',
  properties: {
    id: { type: 'uuid' },
    tenantId: { type: 'string' },
    status: { type: 'string' },
    items: { type: 'json' },
  },
});
