import { expect } from 'chai';
import request from 'supertest';
import { startGateway, startWorker, createTenantKey, type RunningGateway, type RunningWorker } from '../support/platform';

const order = {
  customerId: 'cust-1',
  currency: 'EUR',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1250 },
    { sku: 'SKU-2', quantity: 1, unitPriceMinor: 999 },
  ],
  shippingAddress: { line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
};

describe('e2e: POST /v1/orders → Kafka → orders worker → PostgreSQL → GET', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  let key: string;

  before(async () => {
    gw = await startGateway();
    worker = await startWorker('orders');
    key = await createTenantKey(gw, 'tenant-e2e');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  it('accepts with 202 + Location, then the operation succeeds and the order is readable', async () => {
    const res = await request(gw.url).post('/v1/orders').set('X-API-Key', key).send(order);
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    expect(res.headers.location).to.equal(`/v1/operations/${res.body.id}`);
    expect(res.headers['retry-after']).to.equal('1');
    expect(res.body).to.include({ type: 'order.create.v1', done: false });
    expect(['accepted', 'succeeded']).to.include(res.body.status);

    const op = await request(gw.url).get(String(res.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=20');
    expect(op.status).to.equal(200);
    expect(op.body.status, JSON.stringify(op.body)).to.equal('succeeded');
    expect(op.body.done).to.equal(true);
    expect(op.body.resource.type).to.equal('order');

    const got = await request(gw.url).get(op.body.resource.href).set('X-API-Key', key);
    expect(got.status).to.equal(200);
    expect(got.body).to.include({ id: op.body.resource.id, status: 'pending', customerId: 'cust-1', currency: 'EUR', totalMinor: 3499 });
    expect(got.body.items).to.have.length(2);
  });

  it('refuses an unknown API key with 401 problem+json', async () => {
    const res = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', 'sk_live_0000000000000000_' + 'A'.repeat(43))
      .send(order);
    expect(res.status).to.equal(401);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.body).to.include({ status: 401, title: 'Authentication required' });
  });

  it('another tenant sees the order as missing (404, same body as a missing one)', async () => {
    const created = await request(gw.url).post('/v1/orders').set('X-API-Key', key).send(order);
    const op = await request(gw.url).get(String(created.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=20');
    const other = await createTenantKey(gw, 'tenant-e2e-other');
    const foreign = await request(gw.url).get(`/v1/orders/${op.body.resource.id}`).set('X-API-Key', other);
    const missing = await request(gw.url).get('/v1/orders/00000000-0000-4000-8000-000000000000').set('X-API-Key', other);
    expect(foreign.status).to.equal(404);
    expect(missing.status).to.equal(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
    expect(strip(foreign.body)).to.deep.equal({ ...strip(missing.body) });
    const foreignOp = await request(gw.url).get(String(created.headers.location)).set('X-API-Key', other);
    expect(foreignOp.status).to.equal(404);
  });
});
