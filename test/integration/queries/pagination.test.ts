import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';
import { publishCommand } from '../../support/commands';
import { Order } from '../../../workers/orders/entities';

describe('queries: tenant-scoped lists with cursor pagination', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  let key: string;
  const mine: string[] = [];

  before(async () => {
    gw = await startGateway();
    worker = await startWorker('orders');
    key = await createTenantKey(gw, 'tenant-pages');
    const payload = (orderId: string, customerId: string) => ({
      orderId,
      customerId,
      currency: 'EUR',
      items: [{ sku: 'P', quantity: 1, unitPriceMinor: 1 }],
      shippingAddress: null,
      billingAddress: null,
      notes: null,
    });
    for (let i = 0; i < 7; i++) {
      const id = randomUUID();
      mine.push(id);
      await publishCommand(gw.deps, 'order.create.v1', payload(id, i % 2 ? 'odd' : 'even'), { tenantId: 'tenant-pages' });
    }
    await publishCommand(gw.deps, 'order.create.v1', payload(randomUUID(), 'odd'), { tenantId: 'tenant-pages-other' });
    await waitFor('orders stored', async () => (await gw.deps.orm.em.fork().count(Order, { tenantId: { $in: ['tenant-pages', 'tenant-pages-other'] } })) === 8);
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  it("walks every page once, newest first, only the caller's tenant", async () => {
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const res: request.Response = await request(gw.url)
        .get('/v1/orders')
        .query({ limit: 3, ...(cursor ? { cursor } : {}) })
        .set('X-API-Key', key);
      expect(res.status).to.equal(200);
      sizes.push(res.body.data.length);
      seen.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).to.deep.equal([3, 3, 1]);
    expect(seen.map((o) => o.id).sort()).to.deep.equal([...mine].sort());
    const times = seen.map((o) => o.createdAt);
    expect(times).to.deep.equal([...times].sort().reverse());
  });

  it('filters, and refuses a forged cursor or an oversized page with 400', async () => {
    const odd = await request(gw.url).get('/v1/orders').query({ customerId: 'odd', limit: 100 }).set('X-API-Key', key);
    expect(odd.body.data).to.have.length(3);
    expect(odd.body.nextCursor).to.equal(null);
    expect((await request(gw.url).get('/v1/orders').query({ cursor: 'bm90IGEgY3Vyc29y' }).set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/orders').query({ limit: 101 }).set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/orders').query({ status: 'teleported' }).set('X-API-Key', key)).status).to.equal(400);
  });
});
