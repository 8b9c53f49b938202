import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';
import { readTopic } from '../../support/commands';
import { Order } from '../../../workers/orders/entities';
import { anOrder } from '../../support/factories';

const tenantId = 'tenant-restock-outcome';

/** A restocked return shows what inventory made of it, over HTTP and as an event on the returns topic. */
describe('restock outcome (gateway, returns and inventory workers)', function () {
  this.timeout(90_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let key: string;

  before(async () => {
    gw = await startGateway();
    workers.push(await startWorker('returns'), await startWorker('inventory'));
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
  const restockedReturn = async (sku: string) => {
    const orderId = randomUUID();
    // The order as the orders worker would have left it; this test is about returns and inventory.
    await gw.deps.orm.em
      .fork()
      .insert(Order, anOrder({ id: orderId, tenantId, status: 'delivered', items: [{ sku, quantity: 1, unitPriceMinor: 100 }], totalMinor: 100 }));
    const ret = await succeed('/v1/returns', { orderId, lines: [{ sku, quantity: 1 }], reason: 'broken' });
    for (const action of ['approve', 'receive', 'restock']) await succeed(`/v1/returns/${ret.id}/${action}`, {});
    return ret.id;
  };
  const settledEvent = async (returnId: string) =>
    waitFor('return.restock_settled.v1 on the returns topic', async () => {
      const messages = await readTopic(gw.deps.kafka, gw.deps.topics.events('returns'), 2000);
      const m = messages.find((x) => x.key === returnId && x.headers['event-type'] === 'return.restock_settled.v1');
      return m ? gw.deps.codec.decode(m.value) : null;
    });
  const settledReturn = (id: string) =>
    waitFor('restock settled', async () => {
      const r = await request(gw.url).get(`/v1/returns/${id}`).set('X-API-Key', key);
      return r.body.restockOutcome !== 'pending' ? r.body : null;
    });

  it('inventory refuses a SKU it does not know: the return shows restockOutcome refused with the reason, and says so on its topic', async () => {
    const id = await restockedReturn('NOT-IN-INVENTORY');
    expect(await settledReturn(id)).to.include({
      status: 'restocked',
      restockOutcome: 'refused',
      restockRefusalReason: 'unknown SKU NOT-IN-INVENTORY',
    });
    expect(await settledEvent(id)).to.deep.include({ returnId: id, outcome: 'refused', reason: 'unknown SKU NOT-IN-INVENTORY' });
  });

  it('a known SKU is added back to stock: the return shows restockOutcome applied', async () => {
    await succeed('/v1/inventory/items', { sku: 'RESTOCK-1', name: 'Restock widget' });
    const id = await restockedReturn('RESTOCK-1');
    expect(await settledReturn(id)).to.include({ restockOutcome: 'applied', restockRefusalReason: null });
    expect(await settledEvent(id)).to.deep.include({ returnId: id, outcome: 'applied', reason: null });
    expect((await request(gw.url).get('/v1/inventory/items/RESTOCK-1').set('X-API-Key', key)).body).to.include({ onHand: 1 });
  });
});
