import { expect } from 'chai';
import { OperationCancelledError, OperationFailedError, OperationTimeoutError, ProblemError, StatesetClient, type RetryOptions } from '../../../sdk';
import { retryAfterS } from '../../../sdk/transport';
import { fakeFetch, operationBody, type Scripted } from './fake-fetch';

const BASE = 'https://api.example.test/';
const ORDER = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'S-1', quantity: 1, unitPriceMinor: 100 }] };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const problem = (status: number, slug: string, extra: Record<string, unknown> = {}) => ({
  type: `https://stateset.io/problems/${slug}`,
  title: slug,
  status,
  detail: `${slug} happened`,
  ...extra,
});

function setup(script: Scripted[], retries?: number | RetryOptions) {
  const fake = fakeFetch(script);
  const slept: number[] = [];
  const client = new StatesetClient({
    baseUrl: BASE,
    apiKey: 'sk_test',
    fetch: fake.fetch,
    ...(retries !== undefined ? { retries } : {}),
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { client, requests: fake.requests, slept };
}

describe('sdk client', () => {
  describe('commands', () => {
    it('sends the body to the command route with the API key and a fresh Idempotency-Key per call', async () => {
      const { client, requests } = setup([
        { status: 202, body: operationBody() },
        { status: 202, body: operationBody() },
      ]);
      const op = await client.orders.create(ORDER);
      await client.orders.create(ORDER);
      expect(op.id).to.equal(operationBody().id);
      expect(op.resourceId).to.equal(operationBody().resource.id);
      expect(requests[0]).to.deep.include({ method: 'POST', body: ORDER });
      expect(requests[0]!.url.pathname).to.equal('/v1/orders');
      expect(requests[0]!.headers).to.include({ 'x-api-key': 'sk_test', 'content-type': 'application/json' });
      const [first, second] = requests.map((r) => r.headers['idempotency-key']);
      expect(first).to.match(UUID);
      expect(second).to.match(UUID).and.not.equal(first);
    });

    it('takes the caller’s Idempotency-Key, fills in the path id and sends If-Match from a version or an ETag', async () => {
      const { client, requests } = setup([
        { status: 202, body: operationBody() },
        { status: 202, body: operationBody() },
        { status: 202, body: operationBody() },
      ]);
      await client.orders.transition('o/1', { to: 'confirmed' }, { idempotencyKey: 'mine-1', ifMatch: 3 });
      await client.inventory.adjust('SKU-1', { delta: 1, reason: 'received' }, { ifMatch: ['"4"', 5] });
      await client.returns.approve('r-1');
      expect(requests[0]!.url.pathname).to.equal('/v1/orders/o%2F1/transitions');
      expect(requests[0]!.headers).to.include({ 'idempotency-key': 'mine-1', 'if-match': '"3"' });
      expect(requests[1]!.headers['if-match']).to.equal('"4", "5"');
      expect(requests[2]).to.deep.include({ body: {} });
      expect(requests[2]!.headers).to.not.have.property('if-match');
    });

    it('refuses ifMatch on a create at run time too (JavaScript callers)', async () => {
      const { client } = setup([]);
      const create = client.orders.create as (b: unknown, o: unknown) => Promise<unknown>;
      expect(() => create(ORDER, { ifMatch: 1 })).to.throw(TypeError, /ifMatch/);
    });
  });

  describe('retries', () => {
    it('retries a keyed command on 429 after Retry-After seconds, with the same Idempotency-Key', async () => {
      const { client, requests, slept } = setup([
        { status: 429, body: problem(429, 'rate-limited'), headers: { 'retry-after': '2' } },
        { status: 503, body: problem(503, 'deadline-exceeded'), headers: { 'retry-after': '1' } },
        { status: 202, body: operationBody() },
      ]);
      await client.orders.create(ORDER);
      expect(slept).to.deep.equal([2000, 1000]);
      expect(requests).to.have.length(3);
      expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).to.equal(1);
    });

    it('retries a GET on 503 with exponential backoff when there is no Retry-After', async () => {
      const { client, slept } = setup([
        { status: 503, body: problem(503, 'service-unavailable') },
        { status: 503, body: problem(503, 'service-unavailable') },
        { status: 200, body: { id: 'o-1', status: 'pending' } },
      ]);
      expect(await client.orders.get('o-1')).to.include({ id: 'o-1' });
      expect(slept).to.deep.equal([500, 1000]);
    });

    it('retries a keyed command after a network error', async () => {
      const { client, requests } = setup([new TypeError('fetch failed'), { status: 202, body: operationBody() }]);
      await client.orders.create(ORDER);
      expect(requests).to.have.length(2);
      expect(requests[0]!.headers['idempotency-key']).to.equal(requests[1]!.headers['idempotency-key']);
    });

    it('never retries a request without an Idempotency-Key that is not a GET: it could apply twice', async () => {
      const { client, requests, slept } = setup([
        { status: 429, body: problem(429, 'rate-limited'), headers: { 'retry-after': '1' } },
        { status: 201, body: {} },
      ]);
      const err = await client.webhooks.create({ url: 'https://hooks.example.com/x', events: ['operation.succeeded'] }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ProblemError).with.property('status', 429);
      expect(requests).to.have.length(1);
      expect(slept).to.deep.equal([]);
      expect(requests[0]!.headers).to.not.have.property('idempotency-key');
    });

    it('gives up after the configured retries, and at once when Retry-After exceeds the cap', async () => {
      const busy = { status: 503, body: problem(503, 'service-unavailable'), headers: { 'retry-after': '1' } };
      const limited = setup([busy, busy, busy], { max: 2 });
      const err = await limited.client.orders.get('o-1').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ProblemError).with.property('status', 503);
      expect(limited.requests).to.have.length(3);

      const capped = setup([{ status: 429, body: problem(429, 'rate-limited'), headers: { 'retry-after': '120' } }], { maxDelayS: 30 });
      expect(await capped.client.orders.get('o-1').catch((e: unknown) => e)).to.be.instanceOf(ProblemError);
      expect(capped.slept).to.deep.equal([]);

      const none = setup([busy], 0);
      expect(await none.client.orders.get('o-1').catch((e: unknown) => e)).to.be.instanceOf(ProblemError);
      expect(none.requests).to.have.length(1);
    });

    it('reads Retry-After as seconds or as an HTTP date', () => {
      const now = Date.parse('2026-12-06T10:00:00Z');
      expect(retryAfterS('7', now)).to.equal(7);
      expect(retryAfterS('Sun, 06 Dec 2026 10:00:05 GMT', now)).to.equal(5);
      expect(retryAfterS('soon', now)).to.equal(undefined);
      expect(retryAfterS(null, now)).to.equal(undefined);
    });
  });

  describe('problems', () => {
    it('throws a typed ProblemError for an application/problem+json answer', async () => {
      const issues = [{ path: 'body.currency', message: 'Invalid input' }];
      const { client } = setup([{ status: 400, body: problem(400, 'invalid-request', { errors: issues, requestId: 'req-1', instance: '/v1/orders' }) }]);
      const err = (await client.orders.create(ORDER).catch((e: unknown) => e)) as ProblemError;
      expect(err).to.be.instanceOf(ProblemError);
      expect(err).to.include({
        status: 400,
        type: 'https://stateset.io/problems/invalid-request',
        slug: 'invalid-request',
        requestId: 'req-1',
        instance: '/v1/orders',
      });
      expect(err.errors).to.deep.equal(issues);
      expect(err.message).to.match(/^400 invalid-request: invalid-request happened$/);
    });

    it('makes a problem of an answer without one, with the X-Request-Id', async () => {
      const { client } = setup([{ status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html', 'x-request-id': 'req-9' } }]);
      const err = (await client.orders
        .list()
        .firstPage()
        .catch((e: unknown) => e)) as ProblemError;
      expect(err).to.include({ status: 502, type: 'about:blank', requestId: 'req-9' });
    });
  });

  describe('queries', () => {
    it('answers the body with its ETag (not part of the data) and sends a bearer token from a function', async () => {
      const fake = fakeFetch([{ status: 200, body: { id: 'o-1', version: 3 }, headers: { etag: '"3"' } }]);
      let asked = 0;
      const client = new StatesetClient({ baseUrl: BASE, token: () => `jwt-${++asked}`, fetch: fake.fetch });
      const order = await client.orders.get('o-1');
      expect(order.etag).to.equal('"3"');
      expect(order).to.deep.equal({ id: 'o-1', version: 3 });
      expect(JSON.parse(JSON.stringify(order))).to.deep.equal({ id: 'o-1', version: 3 });
      expect(fake.requests[0]!.headers).to.include({ authorization: 'Bearer jwt-1' }).and.not.have.property('x-api-key');
    });

    it('iterates a listing across its cursor pages with the filters kept', async () => {
      const { client, requests } = setup([
        { status: 200, body: { data: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c1' } },
        { status: 200, body: { data: [{ id: 'c' }], nextCursor: null } },
      ]);
      const ids: string[] = [];
      for await (const order of client.orders.list({ status: 'pending', limit: 2 })) ids.push(order.id);
      expect(ids).to.deep.equal(['a', 'b', 'c']);
      expect(requests.map((r) => Object.fromEntries(r.url.searchParams))).to.deep.equal([
        { status: 'pending', limit: '2' },
        { status: 'pending', limit: '2', cursor: 'c1' },
      ]);
    });

    it('reads the event feed until it is caught up and keeps the position to poll from next', async () => {
      const { client, requests } = setup([
        { status: 200, body: { data: [{ id: 'e1' }, { id: 'e2' }], nextCursor: 'p2' } },
        { status: 200, body: { data: [{ id: 'e3' }], nextCursor: 'p3' } },
      ]);
      const feed = client.events.list({ after: 'p1', limit: 2 });
      const ids: string[] = [];
      for await (const e of feed) ids.push(e.id);
      expect(ids).to.deep.equal(['e1', 'e2', 'e3']);
      expect(feed.cursor).to.equal('p3');
      expect(requests.map((r) => r.url.searchParams.get('after'))).to.deep.equal(['p1', 'p2']);
    });
  });

  describe('operation.wait()', () => {
    const applied = { 'preference-applied': 'wait=30' };

    it('long-polls GET /v1/operations/{id} with Prefer: wait until the operation is done', async () => {
      const { client, requests } = setup([
        { status: 202, body: operationBody() },
        { status: 200, body: operationBody({ status: 'running' }), headers: applied },
        { status: 200, body: operationBody({ status: 'succeeded', done: true }), headers: applied },
      ]);
      const op = await (await client.orders.create(ORDER)).wait({ timeoutS: 120 });
      expect(op).to.include({ status: 'succeeded', done: true });
      expect(requests.slice(1).map((r) => [r.method, r.url.pathname, r.headers.prefer])).to.deep.equal([
        ['GET', `/v1/operations/${op.id}`, 'wait=30'],
        ['GET', `/v1/operations/${op.id}`, 'wait=30'],
      ]);
    });

    it('asks for no longer than the time left, and gives up with OperationTimeoutError', async () => {
      const { client, requests } = setup([
        { status: 202, body: operationBody() },
        { status: 200, body: operationBody({ status: 'running' }), headers: { 'preference-applied': 'wait=1' } },
      ]);
      const op = await client.orders.create(ORDER);
      const err = (await op.wait({ timeoutS: 1 }).catch((e: unknown) => e)) as OperationTimeoutError;
      expect(err).to.be.instanceOf(OperationTimeoutError);
      expect(err.operation.status).to.equal('running');
      expect(requests[1]!.headers.prefer).to.equal('wait=1');
    });

    it('throws the stored problem of a failed operation, or resolves with it when asked not to throw', async () => {
      const failed = operationBody({ status: 'failed', done: true, error: problem(409, 'invalid-transition') });
      const { client } = setup([
        { status: 202, body: operationBody() },
        { status: 200, body: failed, headers: applied },
        { status: 202, body: failed },
      ]);
      const err = (await (await client.orders.create(ORDER)).wait().catch((e: unknown) => e)) as OperationFailedError;
      expect(err).to.be.instanceOf(OperationFailedError).and.instanceOf(ProblemError);
      expect(err).to.include({ status: 409, slug: 'invalid-transition' });
      expect(err.operation.id).to.equal(failed.id);
      const kept = await (await client.orders.create(ORDER)).wait({ throwOnFailure: false });
      expect(kept.status).to.equal('failed');
      expect(kept.error).to.deep.include({ status: 409 });
    });

    it('throws OperationCancelledError for a cancelled operation', async () => {
      const { client, requests } = setup([{ status: 200, body: operationBody({ status: 'cancelled', done: true }) }]);
      const cancelled = await client.operations.cancel(operationBody().id);
      expect(requests[0]).to.deep.include({ method: 'POST', body: {} });
      expect(await cancelled.wait().catch((e: unknown) => e)).to.be.instanceOf(OperationCancelledError);
    });
  });
});
