import { expect } from 'chai';
import { OperationFailedError, ProblemError, StatesetClient, type Operation } from '../../sdk';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../support/platform';

/**
 * The TypeScript SDK against the real platform (gateway, Kafka, every worker involved, PostgreSQL):
 * once the test has its API key, every request goes through the SDK only.
 */
describe('e2e: flows through the SDK', function () {
  this.timeout(180_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let client: StatesetClient;
  const SKU = 'SDK-1';

  /** A command's operation, waited for until it succeeded (the SDK throws otherwise). */
  const done = async (accepted: Promise<Operation>) => (await accepted).wait({ timeoutS: 60 });
  const created = async (accepted: Promise<Operation>) => {
    const op = await done(accepted);
    expect(op.resourceId, JSON.stringify(op)).to.be.a('string');
    return op.resourceId!;
  };

  before(async () => {
    gw = await startGateway();
    workers.push(await startWorker('orders'), await startWorker('inventory'), await startWorker('shipments'), await startWorker('returns'));
    client = new StatesetClient({ baseUrl: gw.url, apiKey: await createTenantKey(gw, 'tenant-sdk-flows') });
    await done(client.inventory.itemCreate({ sku: SKU, name: 'SDK widget' }));
    await done(client.inventory.adjust(SKU, { delta: 10, reason: 'received' }));
  });
  after(async () => {
    for (const w of workers) await w.close();
    await gw?.close();
  });

  it('takes an order from created to delivered and its return from requested to refunded', async () => {
    const orderId = await created(client.orders.create({ customerId: 'c-sdk', currency: 'EUR', items: [{ sku: SKU, quantity: 2, unitPriceMinor: 700 }] }));
    const reservation = await waitFor('reservation', async () => (await client.inventory.listReservations({ orderId }).firstPage()).data[0]);
    expect(reservation).to.include({ orderId, status: 'pending' });
    expect(await client.inventory.getItem(SKU)).to.include({ onHand: 10, reserved: 2, available: 8 });

    // If-Match from the ETag the GET answered: the transition applies only to the order as read.
    const pending = await client.orders.get(orderId);
    expect(pending.status).to.equal('pending');
    expect(pending.etag).to.equal(`"${pending.version}"`);
    await done(client.orders.transition(orderId, { to: 'confirmed' }, { ifMatch: pending.etag! }));
    await done(client.orders.transition(orderId, { to: 'processing' }));

    const shipmentId = await created(client.shipments.create({ orderId, carrier: 'DHL' }));
    await done(client.shipments.ship(shipmentId, { carrier: 'DHL', trackingNumber: 'SDK-TRACK-1' }));
    await done(client.shipments.inTransit(shipmentId));
    await done(client.shipments.deliver(shipmentId));
    expect(await client.shipments.get(shipmentId)).to.include({ status: 'delivered', trackingNumber: 'SDK-TRACK-1' });
    await waitFor('order delivered', async () => (await client.orders.get(orderId)).status === 'delivered');

    const returnId = await created(client.returns.request({ orderId, lines: [{ sku: SKU, quantity: 2 }], reason: 'damaged box' }));
    expect((await client.returns.get(returnId)).status).to.equal('requested');
    await done(client.returns.approve(returnId));
    await done(client.returns.receive(returnId));
    await done(client.returns.restock(returnId));
    await done(client.returns.refund(returnId));
    expect(await client.returns.get(returnId)).to.include({ status: 'refunded', orderId });

    // The feeds tell the same story: the order's events in order, its operations listed.
    const types: string[] = [];
    for await (const event of client.events.list({ limit: 5 })) if (event.aggregateId === orderId) types.push(event.type);
    expect(types[0]).to.equal('order.created.v1');
    expect(types).to.include('order.status_changed.v1');
    const ops = await client.operations.list({ resourceId: orderId }).toArray();
    expect(ops.map((o) => o.type)).to.include.members(['order.create.v1', 'order.transition.v1']);
    expect(ops.every((o) => o.status === 'succeeded')).to.equal(true);
  });

  it('surfaces refusals as typed problems: a stale If-Match, an illegal transition, a bad body, a missing resource', async () => {
    const orderId = await created(client.orders.create({ customerId: 'c-sdk-2', currency: 'EUR', items: [{ sku: SKU, quantity: 1, unitPriceMinor: 1 }] }));
    const order = await client.orders.get(orderId);

    const stale = await client.orders.update(orderId, { notes: 'late' }, { ifMatch: order.version + 1 });
    const precondition = (await stale.wait().catch((e: unknown) => e)) as OperationFailedError;
    expect(precondition).to.be.instanceOf(OperationFailedError);
    expect(precondition.status).to.equal(412);

    const illegal = (await done(client.orders.transition(orderId, { to: 'delivered' })).catch((e: unknown) => e)) as OperationFailedError;
    expect(illegal).to.be.instanceOf(OperationFailedError);
    expect(illegal).to.include({ status: 409, slug: 'invalid-transition' });
    expect((await client.orders.get(orderId)).status).to.equal('pending');

    const invalid = (await client.orders.create({ customerId: 'c', currency: 'euro', items: [] }).catch((e: unknown) => e)) as ProblemError;
    expect(invalid).to.be.instanceOf(ProblemError);
    expect(invalid.status).to.equal(400);
    expect(invalid.requestId).to.be.a('string');
    expect(invalid.errors.map((e) => e.path)).to.include('body.currency');

    const missing = (await client.returns.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e)) as ProblemError;
    expect(missing).to.be.instanceOf(ProblemError).with.property('status', 404);
  });

  it('replays a command sent again with the same Idempotency-Key: one operation, applied once', async () => {
    const body = { customerId: 'c-sdk-3', currency: 'EUR', items: [{ sku: SKU, quantity: 1, unitPriceMinor: 3 }] };
    const first = await client.orders.create(body, { idempotencyKey: 'sdk-e2e-replay-1' });
    const again = await client.orders.create(body, { idempotencyKey: 'sdk-e2e-replay-1' });
    expect(again.id).to.equal(first.id);
    await first.wait();
    const orders = await client.orders.list({ customerId: 'c-sdk-3' }).toArray();
    expect(orders).to.have.length(1);
  });
});
