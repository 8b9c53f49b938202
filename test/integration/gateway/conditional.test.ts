import { expect } from 'chai';
import request from 'supertest';
import { createTenantKey, startGateway, startWorker, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';
import { Order } from '../../../workers/orders/entities';

const tenantId = 'tenant-conditional';
const otherTenant = 'tenant-conditional-other';

/**
 * Conditional requests against the real gateway, Kafka and workers: GETs answer the version as
 * ETag and 304 on If-None-Match; If-Match travels in the signed command and the worker applies the
 * command only at that version — otherwise the operation fails with a 412 problem and nothing changes.
 */
describe('conditional requests (ETag, If-None-Match, If-Match)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let key: string;
  let otherKey: string;

  before(async () => {
    gw = await startGateway();
    workers.push(await startWorker('orders'), await startWorker('inventory'));
    key = await createTenantKey(gw, tenantId);
    otherKey = await createTenantKey(gw, otherTenant);
  });
  after(async () => {
    for (const w of workers) await w.close();
    await gw?.close();
  });

  const operationOf = async (res: request.Response, as = key) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    return (await request(gw.url).get(String(res.headers.location)).set('X-API-Key', as).set('Prefer', 'wait=25')).body as {
      status: string;
      error?: { status: number; type: string; detail: string };
      resource?: { id: string };
    };
  };
  const heldOrder = async () => {
    const op = await operationOf(
      await request(gw.url)
        .post('/v1/orders')
        .set('X-API-Key', key)
        .send({ customerId: 'c-1', currency: 'EUR', items: [{ sku: 'COND-NOT-STOCKED', quantity: 1, unitPriceMinor: 100 }] }),
    );
    const id = op.resource!.id;
    // inventory knows no such SKU: the order goes on hold (version 2) by itself
    await waitFor('order on hold', async () => (await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key)).body.status === 'on_hold');
    return id;
  };

  it('a GET answers its version as ETag; If-None-Match naming it answers 304 without a body, another tag 200', async () => {
    const id = await heldOrder();
    const res = await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key);
    expect(res.status).to.equal(200);
    expect(res.headers.etag).to.equal(`"${res.body.version}"`);
    expect(res.body.version).to.equal(2);
    for (const tags of ['"2"', 'W/"2"', '"1", "2"', '*']) {
      const again = await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key).set('If-None-Match', tags);
      expect(again.status, tags).to.equal(304);
      expect(again.text, tags).to.equal('');
      expect(again.headers.etag).to.equal('"2"');
    }
    expect((await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key).set('If-None-Match', '"1"')).status).to.equal(200);
    const bad = await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key).set('If-None-Match', 'not-a-tag');
    expect(bad.status).to.equal(400);
    expect(bad.headers['content-type']).to.match(/application\/problem\+json/);
  });

  it("another tenant's resource is 404 whatever the condition, the same answer as a missing one", async () => {
    const id = await heldOrder();
    for (const h of ['*', '"2"']) {
      const res = await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', otherKey).set('If-None-Match', h);
      expect(res.status).to.equal(404);
      expect(res.headers.etag).to.equal(undefined);
    }
    const op = await operationOf(await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', otherKey).set('If-Match', '*').send({}), otherKey);
    expect(op.status).to.equal('failed');
    expect(op.error!.status).to.equal(404);
    expect((await gw.deps.orm.em.fork().findOneOrFail(Order, { id })).status).to.equal('on_hold');
  });

  it('a stale If-Match fails the operation with a 412 problem and changes nothing; the current one applies', async () => {
    const id = await heldOrder();
    const stale = await operationOf(
      await request(gw.url).post(`/v1/orders/${id}/transitions`).set('X-API-Key', key).set('If-Match', '"1"').send({ to: 'processing' }),
    );
    expect(stale.status).to.equal('failed');
    expect(stale.error).to.deep.include({ status: 412, type: 'https://stateset.io/problems/precondition-failed', title: 'Precondition failed' });
    expect(stale.error!.detail).to.include('"2"');
    const unchanged = await gw.deps.orm.em.fork().findOneOrFail(Order, { id });
    expect([unchanged.status, unchanged.version]).to.deep.equal(['on_hold', 2]);

    const current = await operationOf(
      await request(gw.url).post(`/v1/orders/${id}/transitions`).set('X-API-Key', key).set('If-Match', '"2"').send({ to: 'processing' }),
    );
    expect(current.status, JSON.stringify(current)).to.equal('succeeded');
    const res = await request(gw.url).get(`/v1/orders/${id}`).set('X-API-Key', key);
    expect([res.body.status, res.headers.etag]).to.deep.equal(['processing', '"3"']);
    // `*`: the resource exists
    expect((await operationOf(await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('If-Match', '*').send({}))).status).to.equal(
      'succeeded',
    );
  });

  it('the failure is audited as command.failed naming the precondition', async () => {
    const id = await heldOrder();
    const res = await request(gw.url).post(`/v1/orders/${id}/archive`).set('X-API-Key', key).set('If-Match', '"7"').send({});
    const op = await operationOf(res);
    expect(op.error!.status).to.equal(412);
    const opId = String(res.headers.location).split('/').pop();
    const rows = await waitFor('command.failed audit row', async () => {
      const found = await gw.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ payload: { action: string; details: string } }[]>(`select payload from outbox where record_name = 'audit' and payload->>'operationId' = ?`, [
          opId,
        ]);
      return found.some((r) => r.payload.action === 'command.failed') ? found : null;
    });
    const failed = rows.find((r) => r.payload.action === 'command.failed')!;
    expect(String(failed.payload.details)).to.include('PreconditionFailedError');
  });

  it('a malformed If-Match, or one on a command that creates, is a 400 problem and nothing is accepted', async () => {
    const id = await heldOrder();
    for (const h of ['2', 'W/"2"', '"abc"']) {
      const res = await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('If-Match', h).send({});
      expect(res.status, h).to.equal(400);
      expect(res.headers['content-type']).to.match(/application\/problem\+json/);
    }
    const create = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .set('If-Match', '"1"')
      .send({ customerId: 'c-1', currency: 'EUR', items: [{ sku: 'X', quantity: 1, unitPriceMinor: 1 }] });
    expect(create.status).to.equal(400);
    expect((await gw.deps.orm.em.fork().findOneOrFail(Order, { id })).status).to.equal('on_hold');
  });

  it('If-Match is part of the Idempotency-Key fingerprint: the same key with another If-Match is another request (422)', async () => {
    const id = await heldOrder();
    const idem = `cond-${id}`;
    const first = await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('Idempotency-Key', idem).set('If-Match', '"1"').send({});
    expect(first.status).to.equal(202);
    const replay = await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('Idempotency-Key', idem).set('If-Match', '"1"').send({});
    expect(replay.status).to.equal(202);
    expect(replay.body.id).to.equal(first.body.id);
    const other = await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('Idempotency-Key', idem).set('If-Match', '"2"').send({});
    expect(other.status).to.equal(422);
    const without = await request(gw.url).post(`/v1/orders/${id}/cancel`).set('X-API-Key', key).set('Idempotency-Key', idem).send({});
    expect(without.status).to.equal(422);
  });

  it("an inventory item's ETag is its stock version: it moves with the balances, and guards an adjustment", async () => {
    const sku = `COND-${Date.now()}`;
    expect(
      (await operationOf(await request(gw.url).post('/v1/inventory/items').set('X-API-Key', key).send({ sku, name: 'Conditional widget' }))).status,
    ).to.equal('succeeded');
    const fresh = await request(gw.url).get(`/v1/inventory/items/${sku}`).set('X-API-Key', key);
    expect([fresh.body.version, fresh.headers.etag]).to.deep.equal([1, '"1"']);
    expect((await request(gw.url).get(`/v1/inventory/items/${sku}`).set('X-API-Key', key).set('If-None-Match', '"1"')).status).to.equal(304);
    const adjust = (ifMatch: string) =>
      request(gw.url).post(`/v1/inventory/items/${sku}/adjustments`).set('X-API-Key', key).set('If-Match', ifMatch).send({ delta: 5, reason: 'received' });
    expect((await operationOf(await adjust('"1"'))).status).to.equal('succeeded');
    const stocked = await request(gw.url).get(`/v1/inventory/items/${sku}`).set('X-API-Key', key);
    expect(stocked.body.onHand).to.equal(5);
    expect(stocked.body.version).to.be.greaterThan(1);
    expect(stocked.headers.etag).to.equal(`"${stocked.body.version}"`);
    const stale = await operationOf(await adjust('"1"'));
    expect(stale.error?.status).to.equal(412);
    expect((await request(gw.url).get(`/v1/inventory/items/${sku}`).set('X-API-Key', key)).body).to.include({ onHand: 5, version: stocked.body.version });
  });

  it('the OpenAPI document names ETag, If-None-Match and 304 on GETs, If-Match and the 412 outcome on commands', async () => {
    const doc = (await request(gw.url).get('/v1/openapi.json').set('X-API-Key', key)).body as {
      paths: Record<string, Record<string, { parameters: { name: string }[]; responses: Record<string, { headers?: object; content?: object }> }>>;
    };
    const get = doc.paths['/v1/orders/{id}']!.get!;
    expect(get.parameters.map((p) => p.name)).to.include('If-None-Match');
    expect(get.responses['200']!.headers).to.have.property('ETag');
    expect(get.responses).to.have.property('304');
    const cancel = doc.paths['/v1/orders/{id}/cancel']!.post!;
    expect(cancel.parameters.map((p) => p.name)).to.include('If-Match');
    expect(JSON.stringify(cancel.responses['202']!.content)).to.include('precondition-failed');
    expect(doc.paths['/v1/orders']!.post!.parameters.map((p) => p.name)).to.not.include('If-Match');
  });
});
