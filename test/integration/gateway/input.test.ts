import { expect } from 'chai';
import request from 'supertest';
import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { commands, DOMAINS, type CommandDefinition } from '../../../schemas/catalog';
import { createApp } from '../../../gateway/app';
import { createTenantKey, type RunningGateway } from '../../support/platform';
import { call, fillPath, gateway, isProblem, topicSize } from './support';

const RUNS_PER_ROUTE = 1000;

/** A JSON document the route's schema refuses: random values, unknown fields, wrong types, broken JSON. */
function invalidBody(def: CommandDefinition): fc.Arbitrary<{ raw: string }> {
  const json = fc
    .oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 6 }),
      // Looks like a real body but carries a field nobody declared (mass assignment).
      fc.record(
        {
          customerId: fc.string(),
          currency: fc.string(),
          tenantId: fc.string(),
          status: fc.string(),
          sku: fc.string(),
          delta: fc.integer(),
          reason: fc.string(),
          to: fc.string(),
          name: fc.string(),
        },
        { requiredKeys: ['tenantId'] },
      ),
    )
    .filter((v) => !def.body.safeParse(v).success)
    .map((v) => ({ raw: JSON.stringify(v) }));
  // Non-empty (an empty body is "no body", which a body-less command may legitimately accept).
  const broken = fc
    .string({ minLength: 1, maxLength: 50 })
    .filter((s) => {
      if (s.trim().length === 0) return false;
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    })
    .map((raw) => ({ raw }));
  return fc.oneof({ arbitrary: json, weight: 9 }, { arbitrary: broken, weight: 1 });
}

describe('gateway input and output', function () {
  this.timeout(600_000);
  let gw: RunningGateway;
  let key: string;
  let admin: Admin;

  before(async () => {
    gw = await gateway({ HTTP_BODY_LIMIT: '8kb', CORS_ORIGINS: 'https://app.example' });
    key = await createTenantKey(gw, 'tenant-input', 'admin');
    admin = gw.deps.kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await gw?.close();
  });

  it('unknown body fields → 400 naming the field (no mass assignment)', async () => {
    const res = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .send({ customerId: 'c', currency: 'EUR', items: [{ sku: 'S', quantity: 1, unitPriceMinor: 1 }], tenantId: 'someone-else' });
    expect(res.status).to.equal(400);
    expect(isProblem(res as never)).to.equal(true);
    expect(JSON.stringify(res.body.errors)).to.include('tenantId');
  });

  it('unknown query parameters and invalid path ids → 400; page size capped at 100', async () => {
    expect((await request(gw.url).get('/v1/orders?tenantId=x').set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/orders?limit=101').set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/orders?limit=0').set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/orders?limit=100').set('X-API-Key', key)).status).to.equal(200);
    expect((await request(gw.url).get('/v1/orders/not-a-uuid').set('X-API-Key', key)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/operations/1%27%20or%201=1').set('X-API-Key', key)).status).to.equal(400);
  });

  it('wrong Content-Type → 415; body over the limit → 413; broken JSON → 400; all problem+json', async () => {
    const t = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Content-Type', 'text/plain').send('customerId=c');
    expect(t.status).to.equal(415);
    const f = await request(gw.url).post('/v1/orders').set('X-API-Key', key).type('form').send({ customerId: 'c' });
    expect(f.status).to.equal(415);
    const big = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .send({ customerId: 'c', notes: 'x'.repeat(10_000) });
    expect(big.status).to.equal(413);
    const broken = await request(gw.url).post('/v1/orders').set('X-API-Key', key).set('Content-Type', 'application/json').send('{"customerId":');
    expect(broken.status).to.equal(400);
    for (const r of [t, f, big, broken]) expect(isProblem(r as never), String(r.status)).to.equal(true);
  });

  it('404 and 405 are problem+json; 405 names the allowed methods; no stack traces anywhere', async () => {
    const nf = await request(gw.url).get('/v1/nothing-here').set('X-API-Key', key);
    expect(nf.status).to.equal(404);
    expect(isProblem(nf as never)).to.equal(true);
    const na = await request(gw.url).put('/v1/orders').set('X-API-Key', key).send({});
    expect(na.status).to.equal(405);
    expect(na.headers.allow).to.include('POST').and.include('GET');
    expect(isProblem(na as never)).to.equal(true);
    for (const r of [nf, na]) expect(JSON.stringify(r.body)).to.not.match(/\bat .+\.(ts|js):\d+/);
  });

  it('X-Request-Id on every response (kept when well-formed), helmet headers, no x-powered-by', async () => {
    const responses = [
      await request(gw.url).get('/healthz'),
      await request(gw.url).get('/v1/orders'),
      await request(gw.url).get('/v1/orders').set('X-API-Key', key).set('X-Request-Id', 'req-12345678'),
      await request(gw.url).delete('/v1/orders').set('X-API-Key', key),
      await request(gw.url).get('/nope'),
    ];
    for (const r of responses) {
      expect(r.headers['x-request-id'], String(r.status)).to.match(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(r.headers['x-content-type-options']).to.equal('nosniff');
      // Plain HTTP here: HSTS is only sent over TLS (https.test.ts).
      expect(r.headers).to.not.have.property('strict-transport-security');
      expect(r.headers['x-frame-options']).to.equal('SAMEORIGIN');
      expect(r.headers).to.not.have.property('x-powered-by');
    }
    expect(responses[2]!.headers['x-request-id']).to.equal('req-12345678');
    expect(responses[1]!.body.requestId).to.equal(responses[1]!.headers['x-request-id']);
  });

  it('CORS only for configured origins', async () => {
    const ok = await request(gw.url).options('/v1/orders').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'POST');
    expect(ok.headers['access-control-allow-origin']).to.equal('https://app.example');
    const evil = await request(gw.url).options('/v1/orders').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(evil.headers).to.not.have.property('access-control-allow-origin');
    const get = await request(gw.url).get('/v1/orders').set('X-API-Key', key).set('Origin', 'https://evil.example');
    expect(get.headers).to.not.have.property('access-control-allow-origin');
  });

  it('the OpenAPI document lists every route with its permission and error responses', async () => {
    const doc = (await request(gw.url).get('/v1/openapi.json')).body;
    const { specs } = createApp(gw.deps, gw.services);
    for (const s of specs) {
      const op = doc.paths[s.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[s.method];
      expect(op, `${s.method} ${s.path}`).to.be.an('object');
      expect(op['x-permission']).to.equal(s.permission);
      expect(op.responses).to.have.property('429');
      if (s.permission !== 'public') expect(op.responses).to.include.keys('401', '403');
      if (s.body) expect(op.responses).to.include.keys('400', '413', '415');
    }
  });

  it(`property: ${RUNS_PER_ROUTE} generated invalid bodies per command route → 100 % 4xx problem+json, 0 5xx, nothing on Kafka`, async () => {
    const topics = DOMAINS.map((d) => gw.deps.topics.commands(d));
    const existing = new Set(await admin.listTopics());
    const watched = topics.filter((t) => existing.has(t));
    expect(watched.length).to.be.greaterThan(0);
    const before = await Promise.all(watched.map((t) => topicSize(admin, t)));
    let sent = 0;
    for (const def of commands) {
      const path = fillPath(def.route.path, def.idParam ? 'SKU-PROP-1' : '00000000-0000-4000-8000-000000000000');
      await fc.assert(
        fc.asyncProperty(fc.array(invalidBody(def), { minLength: 100, maxLength: 100 }), async (batch) => {
          const results = await Promise.all(
            batch.map((b) => call(`${gw.url}${path}`, { method: def.route.method.toUpperCase(), headers: { 'X-API-Key': key }, body: b.raw })),
          );
          sent += results.length;
          for (const [i, r] of results.entries()) {
            if (!(r.status >= 400 && r.status < 500) || !isProblem(r as never)) {
              throw new Error(`${def.type}: ${batch[i]!.raw} → ${r.status} ${JSON.stringify(r.body)}`);
            }
          }
        }),
        { numRuns: RUNS_PER_ROUTE / 100, endOnFailure: true },
      );
    }
    expect(sent).to.be.at.least(RUNS_PER_ROUTE * commands.length);
    const after = await Promise.all(watched.map((t) => topicSize(admin, t)));
    expect(after).to.deep.equal(before);
  });
});
