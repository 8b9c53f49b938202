import { expect } from 'chai';
import request from 'supertest';
import { ApiKey, Outbox } from '../../../shared/orm';
import { ROLE_PERMISSIONS } from '../../../gateway/auth/permissions';
import { createTenantKey, waitFor, type RunningGateway } from '../../support/platform';
import { gateway, isProblem } from './support';

async function auditActions(gw: RunningGateway, resourceId: string): Promise<string[]> {
  const rows = await gw.deps.orm.em.fork().find(Outbox, { topic: gw.deps.topics.audit }, { orderBy: { id: 'asc' } });
  return rows.filter((r) => (r.payload as { resourceId?: string }).resourceId === resourceId).map((r) => (r.payload as { action: string }).action);
}

/** Polls a key on a gateway until it is refused; returns how long that took. */
async function refusedWithin(gw: RunningGateway, key: string, path = '/v1/orders'): Promise<number> {
  const started = Date.now();
  await waitFor('key refused', async () => (await request(gw.url).get(path).set('X-API-Key', key)).status === 401, 10_000);
  return Date.now() - started;
}

describe('gateway API key management', function () {
  this.timeout(60_000);
  let a: RunningGateway;
  let b: RunningGateway;
  let admin: string;

  before(async () => {
    // Two instances, as in production: what one revokes the other refuses within 5 s.
    a = await gateway({ API_KEY_ROTATION_OVERLAP_S: '3' });
    b = await gateway({ API_KEY_ROTATION_OVERLAP_S: '3' });
    admin = await createTenantKey(a, 'tenant-keys', 'admin');
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('creates a key with a role: 201, the secret once, stored only as a hash, audited', async () => {
    const res = await request(a.url).post('/v1/api-keys').set('X-API-Key', admin).send({ name: 'ci', role: 'operator' });
    expect(res.status).to.equal(201);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.headers.location).to.equal(`/v1/api-keys/${res.body.id}`);
    expect(res.body.secret).to.match(/^sk_live_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(res.body).to.include({ name: 'ci', role: 'operator' });
    expect(res.body.permissions).to.have.members([...ROLE_PERMISSIONS.operator]);
    const row = await a.deps.orm.em.fork().findOneOrFail(ApiKey, { id: res.body.id });
    expect(row.secretHash).to.match(/^[0-9a-f]{64}$/);
    // The random part itself may contain '_': take all of it after the key id.
    const randomPart = /^sk_live_[a-z0-9]{16}_(.+)$/.exec(res.body.secret)![1]!;
    expect(JSON.stringify(row)).to.not.include(randomPart);
    // It works, and the secret is never shown again.
    expect((await request(b.url).get('/v1/orders').set('X-API-Key', res.body.secret)).status).to.equal(200);
    const list = await request(a.url).get('/v1/api-keys?limit=100').set('X-API-Key', admin);
    expect(list.status).to.equal(200);
    expect(JSON.stringify(list.body)).to.not.include(res.body.secret);
    for (const k of list.body.data) {
      expect(k).to.not.have.property('secret');
      expect(k).to.not.have.property('secretHash');
      expect(k.redacted).to.match(/^sk_live_[a-z0-9]{16}_…/);
    }
    await waitFor('audit', async () => (await auditActions(a, res.body.id)).includes('api_key.created'));
  });

  it('never gives a key more than its creator: 403 for a role or permission the creator lacks', async () => {
    const narrow = await request(a.url)
      .post('/v1/api-keys')
      .set('X-API-Key', admin)
      .send({ name: 'key-manager', permissions: ['api-keys:manage', 'orders:read'] });
    expect(narrow.status).to.equal(201);
    const k = narrow.body.secret as string;
    for (const body of [
      { name: 'x', role: 'admin' },
      { name: 'x', role: 'viewer' },
      { name: 'x', permissions: ['orders:write'] },
      { name: 'x', permissions: ['orders:read', 'audit:read'] },
    ]) {
      const res = await request(a.url).post('/v1/api-keys').set('X-API-Key', k).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(403);
      expect(isProblem(res as never)).to.equal(true);
    }
    const ok = await request(a.url)
      .post('/v1/api-keys')
      .set('X-API-Key', k)
      .send({ name: 'reader', permissions: ['orders:read'] });
    expect(ok.status).to.equal(201);
    expect(ok.body.permissions).to.deep.equal(['orders:read']);
    // Nor can that key rotate a key that holds more than it does.
    const big = await request(a.url).post('/v1/api-keys').set('X-API-Key', admin).send({ name: 'big', role: 'manager' });
    expect((await request(a.url).post(`/v1/api-keys/${big.body.id}/rotate`).set('X-API-Key', k)).status).to.equal(403);
  });

  it('validates the body: unknown fields, both or neither of role/permissions, past expiry, unknown permission → 400', async () => {
    for (const body of [
      { name: 'x', role: 'viewer', tenantId: 'other' },
      { name: 'x' },
      { name: 'x', role: 'viewer', permissions: ['orders:read'] },
      { name: 'x', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' },
      { name: 'x', permissions: ['orders:delete'] },
      { name: '', role: 'viewer' },
    ]) {
      const res = await request(a.url).post('/v1/api-keys').set('X-API-Key', admin).send(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(isProblem(res as never)).to.equal(true);
    }
  });

  it('lists with cursor pagination, redacted, tenant-scoped', async () => {
    for (let i = 0; i < 5; i++)
      await request(a.url)
        .post('/v1/api-keys')
        .set('X-API-Key', admin)
        .send({ name: `page-${i}`, role: 'viewer' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(a.url)
        .get('/v1/api-keys')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('X-API-Key', admin);
      expect(res.status).to.equal(200);
      expect(res.body.data.length).to.be.at.most(2);
      seen.push(...res.body.data.map((k: { id: string }) => k.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).to.equal(seen.length);
    const total = await a.deps.orm.em.fork().count(ApiKey, { tenantId: 'tenant-keys' });
    expect(seen.length).to.equal(total);
    const other = await createTenantKey(a, 'tenant-keys-other', 'admin');
    const theirs = await request(a.url).get('/v1/api-keys').set('X-API-Key', other);
    expect(theirs.body.data).to.have.length(1);
    expect((await request(a.url).get('/v1/api-keys?limit=101').set('X-API-Key', admin)).status).to.equal(400);
  });

  it('revocation is refused on every instance within 5 s, and audited', async () => {
    const created = await request(a.url).post('/v1/api-keys').set('X-API-Key', admin).send({ name: 'to-revoke', role: 'viewer' });
    const key = created.body.secret as string;
    // Both instances have it cached now.
    expect((await request(a.url).get('/v1/orders').set('X-API-Key', key)).status).to.equal(200);
    expect((await request(b.url).get('/v1/orders').set('X-API-Key', key)).status).to.equal(200);
    const del = await request(a.url).delete(`/v1/api-keys/${created.body.id}`).set('X-API-Key', admin);
    expect(del.status).to.equal(200);
    expect(del.body.revokedAt).to.be.a('string');
    const onB = await refusedWithin(b, key);
    expect(onB).to.be.below(5000);
    expect((await request(a.url).get('/v1/orders').set('X-API-Key', key)).status).to.equal(401);
    await waitFor('audit', async () => (await auditActions(a, created.body.id)).includes('api_key.revoked'));
  });

  it('an expired key is refused', async () => {
    const created = await request(a.url)
      .post('/v1/api-keys')
      .set('X-API-Key', admin)
      .send({ name: 'short', role: 'viewer', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(created.status).to.equal(201);
    expect((await request(b.url).get('/v1/orders').set('X-API-Key', created.body.secret)).status).to.equal(200);
    const t = await refusedWithin(b, created.body.secret);
    expect(t).to.be.below(5000);
  });

  it('rotation: a new key now, the old one valid for the overlap and then refused everywhere; audited', async () => {
    const created = await request(a.url).post('/v1/api-keys').set('X-API-Key', admin).send({ name: 'rotating', role: 'operator' });
    const oldKey = created.body.secret as string;
    const rot = await request(a.url).post(`/v1/api-keys/${created.body.id}/rotate`).set('X-API-Key', admin);
    expect(rot.status).to.equal(201);
    expect(rot.body.secret)
      .to.match(/^sk_live_/)
      .and.not.equal(oldKey);
    expect(rot.body).to.include({ name: 'rotating', role: 'operator', rotatedFrom: created.body.id });
    expect(rot.body.previous.id).to.equal(created.body.id);
    const revokesAt = Date.parse(rot.body.previous.revokesAt);
    expect(revokesAt - Date.now()).to.be.within(1000, 3500);
    // Overlap: both work on both instances.
    for (const gw of [a, b]) {
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', oldKey)).status).to.equal(200);
      expect((await request(gw.url).get('/v1/orders').set('X-API-Key', rot.body.secret)).status).to.equal(200);
    }
    // After the overlap, the old key is refused on both within 5 s.
    await refusedWithin(b, oldKey);
    expect(Date.now() - revokesAt).to.be.below(5000);
    expect((await request(a.url).get('/v1/orders').set('X-API-Key', oldKey)).status).to.equal(401);
    expect((await request(a.url).get('/v1/orders').set('X-API-Key', rot.body.secret)).status).to.equal(200);
    // A rotated key cannot be rotated again.
    expect((await request(a.url).post(`/v1/api-keys/${created.body.id}/rotate`).set('X-API-Key', admin)).status).to.equal(409);
    await waitFor('audit', async () => (await auditActions(a, created.body.id)).includes('api_key.rotated'));
  });

  it('only api-keys:manage may manage keys', async () => {
    const manager = await createTenantKey(a, 'tenant-keys', 'manager');
    expect((await request(a.url).get('/v1/api-keys').set('X-API-Key', manager)).status).to.equal(403);
    expect((await request(a.url).post('/v1/api-keys').set('X-API-Key', manager).send({ name: 'x', role: 'viewer' })).status).to.equal(403);
  });
});
