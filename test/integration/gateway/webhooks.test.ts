import { expect } from 'chai';
import request from 'supertest';
import { Outbox, WebhookEndpoint } from '../../../shared/orm';
import { SecretBox } from '../../../shared/webhooks';
import { createTenantKey, waitFor, type RunningGateway } from '../../support/platform';
import { gateway, isProblem } from './support';

async function auditActions(gw: RunningGateway, resourceId: string): Promise<string[]> {
  const rows = await gw.deps.orm.em.fork().find(Outbox, { topic: gw.deps.topics.audit }, { orderBy: { id: 'asc' } });
  return rows.filter((r) => (r.payload as { resourceId?: string }).resourceId === resourceId).map((r) => (r.payload as { action: string }).action);
}

describe('gateway webhook endpoint management', function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let admin: string;
  let other: string;
  let viewer: string;
  let manager: string;
  const body = { url: 'https://hooks.example.com/stateset', events: ['operation.succeeded', 'order.created.v1'], description: 'orders' };

  before(async () => {
    gw = await gateway();
    admin = await createTenantKey(gw, 'tenant-hooks', 'admin');
    manager = await createTenantKey(gw, 'tenant-hooks', 'manager');
    viewer = await createTenantKey(gw, 'tenant-hooks', 'viewer');
    other = await createTenantKey(gw, 'tenant-hooks-other', 'admin');
  });
  after(async () => gw?.close());

  it('creates an endpoint: 201, Location, the whsec_ secret once, sealed at rest, audited', async () => {
    const res = await request(gw.url).post('/v1/webhooks').set('X-API-Key', admin).send(body);
    expect(res.status).to.equal(201);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers.location).to.equal(`/v1/webhooks/${res.body.id}`);
    expect(res.body.secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body).to.include({ url: body.url, status: 'enabled', description: 'orders', consecutiveFailures: 0 });
    expect(res.body.events).to.deep.equal(body.events);
    const row = await gw.deps.orm.em.fork().findOneOrFail(WebhookEndpoint, { id: res.body.id });
    expect(JSON.stringify(row)).to.not.include(res.body.secret.slice(6));
    expect(row.secretSealed).to.not.include(res.body.secret.slice(6));
    expect(new SecretBox(gw.deps.config.WEBHOOK_SECRET_KEY).open(row.secretSealed, row.id)).to.equal(res.body.secret);
    const got = await request(gw.url).get(`/v1/webhooks/${res.body.id}`).set('X-API-Key', manager);
    expect(got.status).to.equal(200);
    expect(got.body).to.not.have.property('secret');
    const list = await request(gw.url).get('/v1/webhooks?limit=100').set('X-API-Key', admin);
    expect(list.status).to.equal(200);
    expect(JSON.stringify(list.body)).to.not.include(res.body.secret);
    expect(list.body.data.map((e: { id: string }) => e.id)).to.include(res.body.id);
    await waitFor('audit', async () => (await auditActions(gw, res.body.id)).includes('webhook.endpoint_created'));
  });

  it('updates, disables, enables, rotates the secret and deletes; each audited', async () => {
    const created = (await request(gw.url).post('/v1/webhooks').set('X-API-Key', admin).send(body)).body;
    const id = created.id as string;
    const patched = await request(gw.url)
      .patch(`/v1/webhooks/${id}`)
      .set('X-API-Key', admin)
      .send({ events: ['operation.failed'], description: null });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.include({ description: null });
    expect(patched.body.events).to.deep.equal(['operation.failed']);
    const disabled = await request(gw.url).post(`/v1/webhooks/${id}/disable`).set('X-API-Key', admin).send({});
    expect(disabled.body).to.include({ status: 'disabled', disabledReason: 'manual' });
    const enabled = await request(gw.url).post(`/v1/webhooks/${id}/enable`).set('X-API-Key', admin).send({});
    expect(enabled.body).to.include({ status: 'enabled', disabledReason: null });
    const rotated = await request(gw.url).post(`/v1/webhooks/${id}/rotate-secret`).set('X-API-Key', admin).send({});
    expect(rotated.status).to.equal(200);
    expect(rotated.headers['cache-control']).to.equal('no-store');
    expect(rotated.body.secret)
      .to.match(/^whsec_/)
      .and.not.equal(created.secret);
    expect(new Date(rotated.body.previousSecretExpiresAt).getTime()).to.be.greaterThan(Date.now());
    const deleted = await request(gw.url).delete(`/v1/webhooks/${id}`).set('X-API-Key', admin);
    expect(deleted.status).to.equal(200);
    expect((await request(gw.url).get(`/v1/webhooks/${id}`).set('X-API-Key', admin)).status).to.equal(404);
    await waitFor('audit', async () => {
      const actions = await auditActions(gw, id);
      return ['endpoint_created', 'endpoint_updated', 'endpoint_disabled', 'endpoint_enabled', 'secret_rotated', 'endpoint_deleted'].every((a) =>
        actions.includes(`webhook.${a}`),
      );
    });
  });

  it("another tenant's endpoint is not found: get, change, delete, deliveries and redelivery all 404 and change nothing", async () => {
    const id = (await request(gw.url).post('/v1/webhooks').set('X-API-Key', admin).send(body)).body.id as string;
    const calls = [
      request(gw.url).get(`/v1/webhooks/${id}`),
      request(gw.url).patch(`/v1/webhooks/${id}`).send({ url: 'https://evil.example.com/x' }),
      request(gw.url).post(`/v1/webhooks/${id}/disable`).send({}),
      request(gw.url).post(`/v1/webhooks/${id}/rotate-secret`).send({}),
      request(gw.url).delete(`/v1/webhooks/${id}`),
      request(gw.url).get(`/v1/webhooks/${id}/deliveries`),
      request(gw.url).post(`/v1/webhooks/${id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`).send({}),
    ];
    for (const call of calls) {
      const res = await call.set('X-API-Key', other);
      expect(res.status).to.equal(404);
      expect(isProblem(res as never)).to.equal(true);
    }
    const missing = await request(gw.url).get('/v1/webhooks/00000000-0000-4000-8000-000000000000').set('X-API-Key', other);
    const theirs = await request(gw.url).get(`/v1/webhooks/${id}`).set('X-API-Key', other);
    expect(theirs.body.detail).to.equal(missing.body.detail);
    const list = await request(gw.url).get('/v1/webhooks?limit=100').set('X-API-Key', other);
    expect(list.body.data.map((e: { id: string }) => e.id)).to.not.include(id);
    const row = await gw.deps.orm.em.fork().findOneOrFail(WebhookEndpoint, { id });
    expect(row).to.include({ url: body.url, status: 'enabled' });
  });

  it('bad input is a 400 problem and makes nothing', async () => {
    const before = await gw.deps.orm.em.fork().count(WebhookEndpoint, { tenantId: 'tenant-hooks' });
    for (const bad of [
      {},
      { url: 'not a url', events: ['operation.succeeded'] },
      { url: 'ftp://hooks.example.com/x', events: ['operation.succeeded'] },
      { url: 'https://user:pw@hooks.example.com/x', events: ['operation.succeeded'] },
      { url: 'https://hooks.example.com/x', events: [] },
      { url: 'https://hooks.example.com/x', events: ['order.exploded'] },
      { url: 'https://hooks.example.com/x', events: ['operation.succeeded'], secret: 'mine' },
      { url: 'http://127.0.0.1:8080/x', events: ['operation.succeeded'] },
      { url: 'http://169.254.169.254/latest/meta-data', events: ['operation.succeeded'] },
      { url: 'http://[::1]/x', events: ['operation.succeeded'] },
    ]) {
      const res = await request(gw.url).post('/v1/webhooks').set('X-API-Key', admin).send(bad);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
      expect(isProblem(res as never)).to.equal(true);
    }
    expect((await request(gw.url).get('/v1/webhooks/not-a-uuid').set('X-API-Key', admin)).status).to.equal(400);
    expect((await request(gw.url).get('/v1/webhooks?limit=0').set('X-API-Key', admin)).status).to.equal(400);
    expect(await gw.deps.orm.em.fork().count(WebhookEndpoint, { tenantId: 'tenant-hooks' })).to.equal(before);
  });

  it('webhooks:manage is the admin’s; a manager reads, a viewer does neither (403 problems)', async () => {
    expect((await request(gw.url).post('/v1/webhooks').set('X-API-Key', manager).send(body)).status).to.equal(403);
    expect((await request(gw.url).get('/v1/webhooks').set('X-API-Key', manager)).status).to.equal(200);
    const v = await request(gw.url).get('/v1/webhooks').set('X-API-Key', viewer);
    expect(v.status).to.equal(403);
    expect(isProblem(v as never)).to.equal(true);
  });

  it('is in the OpenAPI document with examples and error responses', async () => {
    const doc = (await request(gw.url).get('/v1/openapi.json')).body;
    const create = doc.paths['/v1/webhooks'].post;
    expect(create['x-permission']).to.equal('webhooks:manage');
    expect(create.requestBody.content['application/json'].example).to.have.property('url');
    expect(create.responses['201'].content['application/json'].example).to.have.property('secret');
    expect(create.responses).to.include.keys('400', '401', '403', '429');
    const deliveries = doc.paths['/v1/webhooks/{id}/deliveries'].get;
    expect(deliveries.responses).to.include.keys('200', '404');
    expect(doc.paths['/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver'].post.responses).to.include.keys('200', '404');
  });
});
