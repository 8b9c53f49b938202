import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';
import { readTopic } from '../../support/commands';
import { InventoryBalance, Reservation } from '../../../workers/inventory/entities';
import { Order } from '../../../workers/orders/entities';
import { expireReservations } from '../../../workers/inventory/expiry';

const tenantId = 'tenant-event-versions';

/**
 * Every event says whose it is (`tenantId`) and which version of its resource it leaves behind
 * (`version`, the row's optimistic-lock column after the change, also the resource's ETag), read
 * back from the real events topics: under commands, under reactions to other domains' events and
 * under a timer (reservation expiry).
 */
describe('self-describing events (gateway, orders and inventory workers)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let key: string;

  before(async () => {
    gw = await startGateway();
    workers.push(await startWorker('orders'), await startWorker('inventory'));
    key = await createTenantKey(gw, tenantId);
  });
  after(async () => {
    for (const w of workers) await w.close();
    await gw?.close();
  });

  const succeed = async (path: string, body: object) => {
    const res = await request(gw.url).post(path).set('X-API-Key', key).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const op = await request(gw.url).get(String(res.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=25');
    expect(op.body.status, JSON.stringify(op.body)).to.equal('succeeded');
    return op.body.resource as { id: string };
  };
  /** The decoded events of `domain` with `key`, in topic order, once `count` of them are there. */
  const eventsOf = (domain: 'orders' | 'inventory', messageKey: string, count: number) =>
    waitFor(`${count} events keyed ${messageKey}`, async () => {
      const messages = (await readTopic(gw.deps.kafka, gw.deps.topics.events(domain), 2000)).filter((m) => m.key === messageKey);
      if (messages.length < count) return null;
      return Promise.all(
        messages.map(async (m): Promise<Record<string, unknown>> => ({ type: m.headers['event-type'], ...(await gw.deps.codec.decode(m.value)) })),
      );
    });

  it('order events carry the tenant and the order version after each change, equal to the row and the GET answer', async () => {
    const order = await succeed('/v1/orders', { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'EV-NOT-STOCKED', quantity: 1, unitPriceMinor: 100 }] });
    // inventory knows no such SKU: its reservation_failed puts the order on hold (a reaction, not a command)
    await waitFor('order on hold', async () => (await request(gw.url).get(`/v1/orders/${order.id}`).set('X-API-Key', key)).body.status === 'on_hold');
    await succeed(`/v1/orders/${order.id}/transitions`, { to: 'processing' });
    await succeed(`/v1/orders/${order.id}/cancel`, { reason: 'changed my mind' });
    const events = await eventsOf('orders', order.id, 5);
    expect(events.map((e) => [e.type, e.to ?? null, e.version])).to.deep.equal([
      ['order.created.v1', null, 1],
      ['order.status_changed.v1', 'on_hold', 2],
      ['order.status_changed.v1', 'processing', 3],
      // one change, two events: both name the version it made
      ['order.cancelled.v1', null, 4],
      ['order.status_changed.v1', 'cancelled', 4],
    ]);
    expect(events.map((e) => e.tenantId)).to.deep.equal(Array(5).fill(tenantId));
    const row = await gw.deps.orm.em.fork().findOneOrFail(Order, { id: order.id });
    expect(row.version).to.equal(4);
    const res = await request(gw.url).get(`/v1/orders/${order.id}`).set('X-API-Key', key);
    expect(res.body.version).to.equal(4);
  });

  it('stock and reservation events carry the version of the balance or reservation they changed, a timer’s too', async () => {
    const sku = `EV-${randomUUID().slice(0, 8)}`;
    await succeed('/v1/inventory/items', { sku, name: 'Versioned widget' });
    await succeed(`/v1/inventory/items/${sku}/adjustments`, { locationId: 'default', delta: 5, reason: 'received' });
    await succeed(`/v1/inventory/items/${sku}/adjustments`, { locationId: 'default', delta: 2, reason: 'received' });
    const created = await eventsOf('inventory', sku, 3);
    const balance = await gw.deps.orm.em.fork().findOneOrFail(InventoryBalance, { tenantId, sku, locationId: 'default' });
    expect(created.map((e) => [e.type, e.version, e.tenantId])).to.deep.equal([
      ['inventory.item_created.v1', 0, tenantId],
      ['inventory.adjusted.v1', balance.version - 1, tenantId],
      ['inventory.adjusted.v1', balance.version, tenantId],
    ]);

    const reservation = await succeed('/v1/inventory/reservations', { orderId: `o-${sku}`, lines: [{ sku, locationId: 'default', quantity: 1 }] });
    await waitFor('reserved', async () => (await eventsOf('inventory', `o-${sku}`, 1)).length === 1);
    expect(await expireReservations(workers[1]!.deps, new Date(Date.now() + 3_600_000))).to.be.greaterThan(0);
    const reservationEvents = await eventsOf('inventory', `o-${sku}`, 2);
    const row = await gw.deps.orm.em.fork().findOneOrFail(Reservation, { id: reservation.id });
    expect(row.status).to.equal('expired');
    expect(reservationEvents.map((e) => [e.type, e.version, e.tenantId])).to.deep.equal([
      ['inventory.reserved.v1', 1, tenantId],
      ['inventory.reservation_status_changed.v1', row.version, tenantId],
    ]);
    expect(row.version).to.equal(2);
  });
});
