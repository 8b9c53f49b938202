import { expect } from 'chai';
import request from 'supertest';
import type { Admin } from 'kafkajs';
import type { Publisher } from '../../../shared/kafka';
import { CommandService } from '../../../gateway/services/command-service';
import { IdempotencyStore } from '../../../gateway/services/idempotency';
import { OperationStore } from '../../../gateway/services/operation-store';
import { createTenantKey, type RunningGateway } from '../../support/platform';
import { call, gateway, isProblem, topicSize } from './support';

const order = (customerId = 'cust-idem') => ({
  customerId,
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 500 }],
});

describe('gateway idempotency (Idempotency-Key on commands)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let slow: RunningGateway;
  let key: string;
  let admin: Admin;
  let topic: string;

  before(async () => {
    gw = await gateway();
    // A second gateway whose publisher takes 1.5 s: its requests stay "in flight" long enough to race.
    const d = gw.deps;
    const delayed = {
      send: async (m: Parameters<Publisher['send']>[0]) => {
        await new Promise((r) => setTimeout(r, 1500));
        return d.publisher.send(m);
      },
    } as unknown as Publisher;
    slow = await gateway(
      {},
      {
        commands: new CommandService(
          new OperationStore(d.orm),
          delayed,
          d.codec,
          d.topics,
          d.metrics,
          new IdempotencyStore(d.orm, d.config.IDEMPOTENCY_TTL_H),
          d.commandSigner,
        ),
      },
    );
    key = await createTenantKey(gw, 'tenant-idem', 'operator');
    admin = gw.deps.kafka.admin();
    await admin.connect();
    topic = gw.deps.topics.commands('orders');
  });
  after(async () => {
    await admin?.disconnect();
    await slow?.close();
    await gw?.close();
  });

  it('a replay answers the same operation with the same status, and publishes nothing more', async () => {
    const before = await topicSize(admin, topic);
    const first = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'replay-1').send(order());
    expect(first.status).to.equal(202);
    const again = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'replay-1').send(order());
    expect(again.status).to.equal(202);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.location).to.equal(first.headers.location);
    expect(await topicSize(admin, topic)).to.equal(before + 1);
  });

  it('the same key with another body → 422 problem', async () => {
    await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'mismatch-1').send(order('a'));
    const res = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'mismatch-1').send(order('b'));
    expect(res.status).to.equal(422);
    expect(isProblem(res as never)).to.equal(true);
  });

  it('keys are scoped by principal: another key may reuse the same Idempotency-Key', async () => {
    const other = await createTenantKey(gw, 'tenant-idem', 'operator');
    const a = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'scoped-1').send(order());
    const b = await request(gw.url).post('/v1/orders').set('X-API-Key', other).set('Idempotency-Key', 'scoped-1').send(order());
    expect(a.status).to.equal(202);
    expect(b.status).to.equal(202);
    expect(b.body.id).to.not.equal(a.body.id);
  });

  it('while the original is in flight → 409; once done → replay', async () => {
    const k = await createTenantKey(slow, 'tenant-idem', 'operator');
    const original = request(slow.url)
      .post('/v1/orders')
      .set('X-API-Key', k)
      .set('Idempotency-Key', 'inflight-1')
      .send(order())
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 400));
    const during = await request(slow.url).post('/v1/orders').set('X-API-Key', k).set('Idempotency-Key', 'inflight-1').send(order());
    expect(during.status).to.equal(409);
    expect(isProblem(during as never)).to.equal(true);
    const done = await original;
    expect(done.status).to.equal(202);
    const after = await request(slow.url).post('/v1/orders').set('X-API-Key', k).set('Idempotency-Key', 'inflight-1').send(order());
    expect(after.status).to.equal(202);
    expect(after.body.id).to.equal(done.body.id);
  });

  it('100 concurrent identical requests → exactly one command on Kafka', async () => {
    const before = await topicSize(admin, topic);
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(`${gw.url}/v1/orders`, { method: 'POST', headers: { 'X-API-Key': key, 'Idempotency-Key': 'burst-1' }, body: order('burst') }),
      ),
    );
    const accepted = results.filter((r) => r.status === 202);
    const conflicts = results.filter((r) => r.status === 409);
    expect(accepted.length + conflicts.length, JSON.stringify(results.filter((r) => r.status !== 202 && r.status !== 409).slice(0, 3))).to.equal(100);
    expect(accepted.length).to.be.at.least(1);
    expect(new Set(accepted.map((r) => (r.body as { id: string }).id)).size).to.equal(1);
    // Give the broker a moment; nothing else may appear.
    await new Promise((r) => setTimeout(r, 500));
    expect(await topicSize(admin, topic)).to.equal(before + 1);
  });

  it('two gateways, batched claims: 100 keys each sent to both at once → one command per key, never two', async () => {
    const other = await gateway();
    try {
      const before = await topicSize(admin, topic);
      const keys = Array.from({ length: 100 }, (_, i) => `pair-${i}`);
      const results = await Promise.all(
        keys.flatMap((k) =>
          [gw.url, other.url].map(async (url) => ({
            k,
            r: await call(`${url}/v1/orders`, { method: 'POST', headers: { 'X-API-Key': key, 'Idempotency-Key': k }, body: order(k) }),
          })),
        ),
      );
      const odd = results.filter(({ r }) => r.status !== 202 && r.status !== 409);
      expect(odd, JSON.stringify(odd.slice(0, 3))).to.have.length(0);
      for (const k of keys) {
        const ids = new Set(results.filter((x) => x.k === k && x.r.status === 202).map((x) => (x.r.body as { id: string }).id));
        expect(ids.size, `operations for ${k}`).to.equal(1);
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(await topicSize(admin, topic)).to.equal(before + keys.length);
    } finally {
      await other.close();
    }
  });

  it('Idempotency-Key longer than 255 characters → 400', async () => {
    const res = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'k'.repeat(256)).send(order());
    expect(res.status).to.equal(400);
  });
});
