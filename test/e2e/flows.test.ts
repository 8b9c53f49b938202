import { expect } from 'chai';
import request from 'supertest';
import { MAX_ON_HAND } from '../../workers/inventory/stock';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../support/platform';

/** Cross-domain flows, end to end through HTTP, Kafka commands, events and every worker involved. */
describe('e2e: flows between domains', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let key: string;

  const api = () => request(gw.url);
  const accept = async (method: 'post' | 'patch', path: string, body: object) => {
    const res = await api()[method](path).set('X-API-Key', key).send(body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(202);
    const op = await api().get(String(res.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=25');
    expect(op.body.done, JSON.stringify(op.body)).to.equal(true);
    return op.body as { status: string; resource?: { id: string; href: string }; error?: { status: number; detail: string } };
  };
  const succeed = async (method: 'post' | 'patch', path: string, body: object) => {
    const op = await accept(method, path, body);
    expect(op.status, JSON.stringify(op)).to.equal('succeeded');
    return op.resource!;
  };
  const get = async (path: string) => (await api().get(path).set('X-API-Key', key)).body;
  const item = (sku: string) => get(`/v1/inventory/items/${sku}`);

  before(async () => {
    gw = await startGateway();
    workers.push(
      await startWorker('orders'),
      await startWorker('inventory'),
      await startWorker('shipments'),
      await startWorker('returns'),
      await startWorker('warranties'),
    );
    key = await createTenantKey(gw, 'tenant-flows');
    await succeed('post', '/v1/inventory/items', { sku: 'FLOW-1', name: 'Flow widget' });
    await succeed('post', '/v1/inventory/items/FLOW-1/adjustments', { delta: 10, reason: 'received' });
  });
  after(async () => {
    for (const w of workers) await w.close();
    await gw?.close();
  });

  it('order created → stock reserved; order cancelled → reservation cancelled and stock released', async () => {
    const order = await succeed('post', '/v1/orders', {
      customerId: 'c1',
      currency: 'EUR',
      items: [{ sku: 'FLOW-1', quantity: 3, unitPriceMinor: 500 }],
    });
    const reserved = await waitFor('reservation', async () => {
      const list = await get(`/v1/inventory/reservations?orderId=${order.id}`);
      return list.data[0];
    });
    expect(reserved).to.include({ status: 'pending', orderId: order.id });
    expect(await item('FLOW-1')).to.include({ onHand: 10, reserved: 3, available: 7 });

    await succeed('post', `/v1/orders/${order.id}/cancel`, { reason: 'customer changed mind' });
    await waitFor('reservation cancelled', async () => (await get(`/v1/inventory/reservations/${reserved.id}`)).status === 'cancelled');
    expect(await item('FLOW-1')).to.include({ onHand: 10, reserved: 0, available: 10 });
  });

  it('order whose stock cannot be reserved goes on_hold with the reason', async () => {
    const order = await succeed('post', '/v1/orders', {
      customerId: 'c2',
      currency: 'EUR',
      items: [{ sku: 'FLOW-1', quantity: 11, unitPriceMinor: 500 }],
    });
    const held = await waitFor('order on hold', async () => {
      const o = await get(`/v1/orders/${order.id}`);
      return o.status === 'on_hold' ? o : null;
    });
    expect(held.holdReason).to.match(/insufficient stock for FLOW-1/);
    expect(await item('FLOW-1')).to.include({ reserved: 0, available: 10 });
  });

  it('a pending reservation expires after its TTL and gives its stock back', async () => {
    const r = await succeed('post', '/v1/inventory/reservations', {
      orderId: 'manual-1',
      lines: [{ sku: 'FLOW-1', quantity: 4 }],
      ttlSeconds: 1,
    });
    expect((await item('FLOW-1')).reserved).to.equal(4);
    await waitFor('expired', async () => (await get(`/v1/inventory/reservations/${r.id}`)).status === 'expired', 15_000);
    expect(await item('FLOW-1')).to.include({ reserved: 0, available: 10 });
  });

  it('never lets available stock go negative: the command fails with 422 and nothing changes', async () => {
    const op = await accept('post', '/v1/inventory/items/FLOW-1/adjustments', { delta: -11, reason: 'lost' });
    expect(op.status).to.equal('failed');
    expect(op.error?.status).to.equal(422);
    expect(await item('FLOW-1')).to.include({ onHand: 10, available: 10 });
  });

  it('attack: a balance driven to its bound refuses more stock with 422 (no database range error), and its partition keeps moving', async () => {
    await succeed('post', '/v1/inventory/items', { sku: 'FLOW-MAX', name: 'Hoarded widget' });
    await succeed('post', '/v1/inventory/items/FLOW-MAX/adjustments', { delta: 1, reason: 'received' });
    // As after ~1,000 adjustments of +1,000,000 (the column is 32-bit: ~2,150 of them used to overflow it).
    await gw.deps.orm.em
      .fork()
      .getConnection()
      .execute("update inventory_balances set on_hand = ? where tenant_id = 'tenant-flows' and sku = 'FLOW-MAX'", [MAX_ON_HAND - 5]);
    const over = await accept('post', '/v1/inventory/items/FLOW-MAX/adjustments', { delta: 1_000_000, reason: 'received' });
    expect(over.status).to.equal('failed');
    expect(over.error?.status).to.equal(422);
    await succeed('post', '/v1/inventory/items/FLOW-MAX/adjustments', { delta: 5, reason: 'received' });
    await succeed('post', '/v1/inventory/items/FLOW-MAX/adjustments', { delta: -1, reason: 'damaged' });
    expect(await item('FLOW-MAX')).to.include({ onHand: MAX_ON_HAND - 1 });
  });

  it('illegal order transitions fail with 409 and leave the order as it was', async () => {
    const order = await succeed('post', '/v1/orders', {
      customerId: 'c3',
      currency: 'EUR',
      items: [{ sku: 'FLOW-1', quantity: 1, unitPriceMinor: 1 }],
    });
    const op = await accept('post', `/v1/orders/${order.id}/transitions`, { to: 'delivered' });
    expect(op.status).to.equal('failed');
    expect(op.error?.status).to.equal(409);
    expect((await get(`/v1/orders/${order.id}`)).status).to.equal('pending');
    await succeed('post', `/v1/orders/${order.id}/transitions`, { to: 'confirmed' });
    await succeed('patch', `/v1/orders/${order.id}`, { notes: 'gift wrap' });
    await succeed('post', `/v1/orders/${order.id}/transitions`, { to: 'processing' });
    const late = await accept('patch', `/v1/orders/${order.id}`, { notes: 'too late' });
    expect(late.error?.status).to.equal(422);
    expect(await get(`/v1/orders/${order.id}`)).to.include({ status: 'processing', notes: 'gift wrap' });
  });

  it('shipment delivered → order delivered; return restocked → stock adjusted back', async () => {
    const reservedBefore = (await item('FLOW-1')).reserved as number;
    const order = await succeed('post', '/v1/orders', {
      customerId: 'c4',
      currency: 'EUR',
      items: [{ sku: 'FLOW-1', quantity: 2, unitPriceMinor: 700 }],
    });
    await waitFor('reserved', async () => (await item('FLOW-1')).reserved === reservedBefore + 2);
    await succeed('post', `/v1/orders/${order.id}/transitions`, { to: 'confirmed' });
    await succeed('post', `/v1/orders/${order.id}/transitions`, { to: 'processing' });
    const shipment = await succeed('post', '/v1/shipments', { orderId: order.id, carrier: 'DHL' });
    await succeed('post', `/v1/shipments/${shipment.id}/ship`, { carrier: 'DHL', trackingNumber: 'TRACK-1' });
    await succeed('post', `/v1/shipments/${shipment.id}/in-transit`, {});
    await succeed('post', `/v1/shipments/${shipment.id}/deliver`, {});
    await waitFor('order delivered', async () => (await get(`/v1/orders/${order.id}`)).status === 'delivered');

    const before = await item('FLOW-1');
    const ret = await succeed('post', '/v1/returns', { orderId: order.id, lines: [{ sku: 'FLOW-1', quantity: 2 }], reason: 'damaged box' });
    for (const action of ['approve', 'receive', 'restock']) await succeed('post', `/v1/returns/${ret.id}/${action}`, {});
    await waitFor('stock adjusted', async () => (await item('FLOW-1')).onHand === before.onHand + 2);
    // A second return of the same lines exceeds what was ordered: refused, nothing changes.
    const again = await accept('post', '/v1/returns', { orderId: order.id, lines: [{ sku: 'FLOW-1', quantity: 1 }], reason: 'again' });
    expect(again.status).to.equal('failed');
    expect(again.error?.status).to.equal(422);
  });

  it('warranty registered → claim submitted → approved → resolved', async () => {
    const w = await succeed('post', '/v1/warranties', { customerId: 'c5', sku: 'FLOW-1', months: 12 });
    const claim = await succeed('post', `/v1/warranties/${w.id}/claims`, { description: 'stopped working' });
    await succeed('post', `/v1/warranty-claims/${claim.id}/approve`, {});
    await succeed('post', `/v1/warranty-claims/${claim.id}/resolve`, {});
    expect((await get(`/v1/warranty-claims/${claim.id}`)).status).to.equal('resolved');
    await succeed('post', `/v1/warranties/${w.id}/void`, { reason: 'fraud' });
    const late = await accept('post', `/v1/warranties/${w.id}/claims`, { description: 'again' });
    expect(late.status).to.equal('failed');
  });
});
