import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createTenantKey, startGateway, startWorker, type RunningGateway, type RunningWorker } from '../../support/platform';

/**
 * `Prefer: wait=N` is woken by the operation's NOTIFY when the worker commits: it answers right
 * after the operation is done, not at the next poll (the safety poll is 5 s, longer than this test allows).
 */
describe('long-poll of an operation is woken by a notification', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let worker: RunningWorker | undefined;
  let key: string;

  before(async () => {
    gw = await startGateway();
    key = await createTenantKey(gw, `tenant-lp-${randomUUID().slice(0, 6)}`, 'admin');
  });
  after(async () => {
    await worker?.close();
    await gw?.close();
  });

  it('answers within a second of the worker finishing, with Preference-Applied', async () => {
    const post = await fetch(`${gw.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ customerId: 'lp', currency: 'EUR', items: [{ sku: 'LP-1', quantity: 1, unitPriceMinor: 100 }] }),
    });
    expect(post.status).to.equal(202);
    const { id } = (await post.json()) as { id: string };
    const waited = fetch(`${gw.url}/v1/operations/${id}`, { headers: { 'x-api-key': key, prefer: 'wait=20' } });
    // No worker yet: the request is waiting. Start one; its commit wakes the request.
    await new Promise((r) => setTimeout(r, 1000));
    worker = await startWorker('orders');
    const res = await waited;
    const answeredAt = Date.now();
    const body = (await res.json()) as { status: string; updatedAt: string };
    expect(res.status).to.equal(200);
    expect(body.status).to.equal('succeeded');
    expect(res.headers.get('preference-applied')).to.equal('wait=20');
    expect(answeredAt - new Date(body.updatedAt).getTime(), 'ms from done to answer').to.be.lessThan(1000);
  });

  it('a pending operation answers with Retry-After once the wait runs out', async () => {
    await worker?.close();
    worker = undefined;
    const post = await fetch(`${gw.url}/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ customerId: 'lp2', currency: 'EUR', items: [{ sku: 'LP-1', quantity: 1, unitPriceMinor: 100 }] }),
    });
    const { id } = (await post.json()) as { id: string };
    const t0 = Date.now();
    const res = await fetch(`${gw.url}/v1/operations/${id}`, { headers: { 'x-api-key': key, prefer: 'wait=2' } });
    expect(Date.now() - t0).to.be.at.least(1900);
    expect(((await res.json()) as { status: string }).status).to.equal('accepted');
    expect(res.headers.get('retry-after')).to.equal('1');
  });
});
