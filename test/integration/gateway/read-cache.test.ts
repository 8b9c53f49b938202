import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';

/**
 * The gateway's read cache against real PostgreSQL notifications: a cached order is dropped when
 * its row changes (by a worker's command or any other writer), a command seen done is visible in
 * the next read of its resource, and a cached row is never shown to another tenant.
 */
describe('gateway read cache (PostgreSQL row_changed notifications)', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  let key: string;
  let otherKey: string;

  const cacheCount = async (result: string) =>
    (await gw.deps.metrics.readCache.get()).values.filter((v) => v.labels.result === result).reduce((n, v) => n + v.value, 0);
  const send = async (path: string, body: unknown) => {
    const res = await fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).to.equal(202);
    const { id } = (await res.json()) as { id: string };
    const op = (await (await fetch(`${gw.url}/v1/operations/${id}`, { headers: { 'x-api-key': key, prefer: 'wait=20' } })).json()) as {
      status: string;
      resource?: { id: string };
    };
    expect(op.status).to.equal('succeeded');
    return op.resource!.id;
  };
  const getOrder = async (id: string, k = key) => {
    const res = await fetch(`${gw.url}/v1/orders/${id}`, { headers: { 'x-api-key': k } });
    return { status: res.status, body: (await res.json()) as { status?: string; notes?: string | null } };
  };

  before(async () => {
    gw = await startGateway();
    worker = await startWorker('orders');
    key = await createTenantKey(gw, `tenant-rc-${randomUUID().slice(0, 6)}`, 'admin');
    otherKey = await createTenantKey(gw, `tenant-rc-other-${randomUUID().slice(0, 6)}`, 'admin');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  it('answers repeated reads from the cache, and a command seen done shows in the very next read', async () => {
    const orderId = await send('/v1/orders', {
      customerId: 'rc',
      currency: 'EUR',
      items: [{ sku: 'RC-1', quantity: 1, unitPriceMinor: 100 }],
    });
    const hits = await cacheCount('hit');
    expect((await getOrder(orderId)).body.status).to.equal('pending');
    expect((await getOrder(orderId)).body.status).to.equal('pending');
    expect(await cacheCount('hit')).to.equal(hits + 1);
    await send(`/v1/orders/${orderId}/cancel`, { reason: 'read cache test' });
    expect((await getOrder(orderId)).body.status).to.equal('cancelled');
  });

  it('drops a cached row changed by any writer, long before the safety TTL', async () => {
    const orderId = await send('/v1/orders', {
      customerId: 'rc2',
      currency: 'EUR',
      items: [{ sku: 'RC-1', quantity: 1, unitPriceMinor: 100 }],
    });
    expect((await getOrder(orderId)).body.notes).to.equal(null);
    expect((await getOrder(orderId)).body.notes).to.equal(null);
    await gw.deps.orm.em.getConnection().execute('update orders set notes = ? where id = ?', ['changed behind the gateway', orderId]);
    // The TTL is 30 s; only the notification can make this pass within 5 s.
    await waitFor('the cached order to be dropped', async () => (await getOrder(orderId)).body.notes === 'changed behind the gateway', 5000);
  });

  it('never serves a cached row to another tenant', async () => {
    const orderId = await send('/v1/orders', {
      customerId: 'rc3',
      currency: 'EUR',
      items: [{ sku: 'RC-1', quantity: 1, unitPriceMinor: 100 }],
    });
    expect((await getOrder(orderId)).status).to.equal(200);
    expect((await getOrder(orderId)).status).to.equal(200);
    const intruder = await getOrder(orderId, otherKey);
    expect(intruder.status).to.equal(404);
  });
});
