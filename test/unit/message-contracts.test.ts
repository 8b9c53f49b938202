import { expect } from 'chai';
import { z } from 'zod';
import { command, commands, event, events, findCommand } from '../../schemas/catalog';
import { emptyBody } from '../../schemas/http/common';
import { loadAvsc } from '../../schemas/load';
import { defineEventHandler, defineHandler, type HandlerContext } from '../../shared/worker';

/*
 * The @ts-expect-error lines are the test: `npm run lint` runs tsc over test/, and tsc fails when
 * a line marked there compiles, i.e. when the catalog, a handler or emit stops being checked
 * against the .avsc files. The functions are never called; only the compiler reads them.
 */

export function emitIsChecked(ctx: HandlerContext): void {
  const order = { version: 2 };
  ctx.emit('order.cancelled.v1', { orderId: 'o-1', from: 'pending', reason: null }, order);
  // @ts-expect-error an event type no schema carries
  ctx.emit('order.canceled.v1', { orderId: 'o-1', from: 'pending' }, order);
  // @ts-expect-error `from` is required by OrderCancelled.avsc
  ctx.emit('order.cancelled.v1', { orderId: 'o-1' }, order);
  // @ts-expect-error `to` is a field of order.status_changed.v1, not of order.cancelled.v1
  ctx.emit('order.cancelled.v1', { orderId: 'o-1', from: 'pending', to: 'cancelled' }, order);
  // @ts-expect-error orderId is a string
  ctx.emit('order.cancelled.v1', { orderId: 1, from: 'pending' }, order);
  // @ts-expect-error the row the event is about is always named (null: none)
  ctx.emit('order.cancelled.v1', { orderId: 'o-1', from: 'pending' });
  // @ts-expect-error the version is the row's, never a handler's choice
  ctx.emit('order.cancelled.v1', { orderId: 'o-1', from: 'pending', version: 7 }, order);
}

export const handlersAreChecked = [
  defineHandler({
    command: 'order.cancel.v1',
    async handle(cmd) {
      const reason: string | null | undefined = cmd.reason;
      // @ts-expect-error OrderCancel has no customerId
      const customer: string = cmd.customerId;
      return { type: 'order', id: `${cmd.orderId}${reason}${customer}` };
    },
  }),
  defineHandler({
    // @ts-expect-error a command type no schema carries
    command: 'order.cancell.v1',
    async handle() {
      return { type: 'order', id: 'o-1' };
    },
  }),
  defineEventHandler({
    event: 'shipment.delivered.v1',
    async handle(evt) {
      // @ts-expect-error ShipmentDelivered has no `reason`
      void evt.reason;
      void evt.orderId.length;
    },
  }),
];

const reasonBody = z.strictObject({ reason: z.string() });

export const catalogEntriesAreChecked = [
  command({
    type: 'order.cancel.v1',
    domain: 'orders',
    keyField: 'orderId',
    permission: 'orders:write',
    resourceType: 'order',
    summary: '',
    schemaFile: 'commands/orders/OrderCancel.avsc',
    route: { method: 'post', path: '/v1/orders/:id/cancel' },
    body: reasonBody,
    // @ts-expect-error `why` is not a field of OrderCancel.avsc
    toPayload: (b, ctx) => ({ orderId: ctx.id, why: b.reason }),
  }),
  command({
    type: 'order.create.v1',
    domain: 'orders',
    keyField: 'orderId',
    permission: 'orders:write',
    resourceType: 'order',
    summary: '',
    schemaFile: 'commands/orders/OrderCreate.avsc',
    route: { method: 'post', path: '/v1/orders' },
    body: emptyBody,
    // @ts-expect-error a route without :id has no ctx.id
    toPayload: (_b, ctx) => ({ orderId: ctx.id, customerId: 'c', currency: 'EUR', items: [] }),
  }),
  command({
    type: 'order.cancel.v1',
    domain: 'orders',
    permission: 'orders:write',
    resourceType: 'order',
    summary: '',
    // @ts-expect-error the schema file of another command
    schemaFile: 'commands/orders/OrderArchive.avsc',
    // @ts-expect-error not a field of the payload
    keyField: 'id',
    route: { method: 'post', path: '/v1/orders/:id/cancel' },
    body: emptyBody,
    toPayload: (_b, ctx) => ({ orderId: ctx.id }),
  }),
  // @ts-expect-error `returnId` is not a field of order.cancelled.v1
  event({ type: 'order.cancelled.v1', domain: 'orders', schemaFile: 'events/orders/OrderCancelled.avsc', keyField: 'returnId' }),
];

describe('message contracts', () => {
  it('every catalog entry names the schema whose doc carries its type', () => {
    for (const m of [...commands, ...events]) {
      const doc = (loadAvsc(m.schemaFile) as { doc?: string }).doc ?? '';
      expect(doc.split(/[:;\s]/)[0], m.schemaFile).to.equal(m.type);
    }
  });

  it('a payload asks for the path id only of a route that has one', () => {
    const def = findCommand('return.restock.v1')!;
    expect(def.route.path).to.equal('/v1/returns/:id/restock');
    expect(def.toPayload({}, { id: 'r-1', newId: () => 'n' })).to.deep.equal({ returnId: 'r-1' });
    expect(() => def.toPayload({}, { newId: () => 'n' })).to.throw('return.restock.v1: no :id in /v1/returns/:id/restock');
  });

  it("the body is validated again with the command's own schema before it becomes a payload", () => {
    expect(() => findCommand('return.reject.v1')!.toPayload({}, { id: 'r-1', newId: () => 'n' })).to.throw();
  });
});
