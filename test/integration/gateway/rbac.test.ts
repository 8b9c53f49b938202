import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { assertDeclared, createApp } from '../../../gateway/app';
import type { RouteSpec } from '../../../gateway/http/route-spec';
import { ROLES, ROLE_PERMISSIONS } from '../../../gateway/auth/permissions';
import { commands, DOMAINS, PERMISSIONS } from '../../../schemas/catalog';
import { Operation } from '../../../shared/orm';
import { InventoryItem, Reservation } from '../../../workers/inventory/entities';
import { Order } from '../../../workers/orders/entities';
import { Return } from '../../../workers/returns/entities';
import { Shipment } from '../../../workers/shipments/entities';
import { Warranty, WarrantyClaim } from '../../../workers/warranties/entities';
import { aClaim, anInventoryItem, anOperation, anOrder, aReservation, aReturn, aShipment, aWarranty } from '../../support/factories';
import { createTenantKey, startWorker, type RunningGateway, type RunningWorker } from '../../support/platform';
import { fillPath, gateway, isProblem, sampleId } from './support';

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { access?: string; name?: string } }[] };
  handle: { stack?: Layer[]; access?: string };
  name?: string;
  matchers?: unknown;
}

/** Every route layer of the mounted express app, with what its first middleware declares. */
function walk(stack: Layer[], out: { path: string; methods: string[]; access: string | undefined; chain: string[] }[] = []) {
  for (const layer of stack) {
    if (layer.route) {
      const chain = layer.route.stack.map((l) => l.handle.name ?? '');
      out.push({ path: layer.route.path, methods: Object.keys(layer.route.methods), access: layer.route.stack[0]?.handle.access, chain });
    } else if (layer.handle.stack) {
      walk(layer.handle.stack, out);
    }
  }
  return out;
}

const KNOWN = new Set<string>([...PERMISSIONS, 'public', 'authenticated']);
/** Deliberately public: health, the API description, the JWKS. Anything else public is a failure. */
const PUBLIC_ALLOWED = new Set(['/healthz', '/readyz', '/v1/openapi.json', '/.well-known/jwks.json']);

describe('gateway RBAC', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const keys: Record<string, string> = {};
  let specs: RouteSpec[];

  before(async () => {
    gw = await gateway();
    specs = createApp(gw.deps, gw.services).specs;
    for (const role of ROLES) keys[role] = await createTenantKey(gw, 'tenant-rbac', role);
  });
  after(async () => gw?.close());

  it('every mounted route declares a known permission, and only the allow-listed ones are public', () => {
    const { app } = createApp(gw.deps, gw.services);
    const routes = walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).to.be.greaterThan(10);
    for (const r of routes) {
      const name = `${r.methods.join(',').toUpperCase()} ${r.path}`;
      expect(r.access, `${name} declares no permission`).to.be.a('string');
      expect(KNOWN.has(r.access!), `${name} declares unknown permission ${r.access}`).to.equal(true);
      if (r.access === 'public') expect(PUBLIC_ALLOWED.has(r.path), `${name} is public but not on the allow-list`).to.equal(true);
    }
    // Every spec is mounted, and the walk saw them all.
    for (const s of specs)
      expect(
        routes.some((r) => r.path === s.path && r.methods.includes(s.method)),
        `${s.method} ${s.path}`,
      ).to.equal(true);
  });

  it('an unannotated route makes the app refuse to start', () => {
    const spec = {
      method: 'get',
      path: '/v1/x',
      rateClass: 'read',
      summary: '',
      tag: 'x',
      success: 200,
      handler() {},
    } as unknown as RouteSpec;
    expect(() => assertDeclared([...specs, spec])).to.throw(/GET \/v1\/x declares no permission/);
    expect(() => assertDeclared([...specs, { ...spec, permission: 'orders:destroy' } as unknown as RouteSpec])).to.throw(/unknown permission/);
    expect(() => assertDeclared(specs)).to.not.throw();
  });

  it('role × route matrix: 403 exactly where the role lacks the permission', async () => {
    const misses: string[] = [];
    let checked = 0;
    for (const spec of specs) {
      if (spec.permission === 'public' || spec.permission === 'authenticated') continue;
      for (const role of ROLES) {
        const allowed = (ROLE_PERMISSIONS[role] as readonly string[]).includes(spec.permission);
        const path = fillPath(spec.path, sampleId(spec.path));
        let req = request(gw.url)[spec.method](path).set('X-API-Key', keys[role]!);
        // An invalid body: an allowed request then stops at validation (400), never reaching Kafka.
        if (spec.method !== 'get' && spec.method !== 'delete') req = req.send({ __rbac_probe: true });
        const res = await req;
        checked++;
        const ok = allowed ? res.status !== 403 && res.status !== 401 && res.status < 500 : res.status === 403 && isProblem(res as never);
        if (!ok) misses.push(`${role} ${spec.method.toUpperCase()} ${spec.path} (${spec.permission}) → ${res.status}`);
      }
    }
    expect(misses, misses.join('\n')).to.deep.equal([]);
    expect(checked).to.be.greaterThan(40);
  });

  it('routes that only need a principal answer every role (token exchange)', async () => {
    for (const role of ROLES) {
      const res = await request(gw.url).post('/v1/auth/token').set('X-API-Key', keys[role]!);
      expect(res.status, role).to.equal(200);
    }
  });

  describe("tenancy: another tenant's id answers 404 with the body of a missing one, on every :id route", () => {
    const workers: RunningWorker[] = [];
    let keyA: string;
    let keyB: string;
    const ids: Record<string, string> = {};

    before(async () => {
      for (const d of DOMAINS) workers.push(await startWorker(d));
      keyA = await createTenantKey(gw, 'tenant-xa');
      keyB = await createTenantKey(gw, 'tenant-xb');
      const em = gw.deps.orm.em.fork();
      const tenantId = 'tenant-xa';
      ids.sku = 'SKU-XTENANT-1';
      const order = anOrder({ tenantId, items: [{ sku: ids.sku, quantity: 1, unitPriceMinor: 100 }] });
      const warranty = aWarranty({ tenantId, sku: ids.sku, orderId: order.id });
      const rows = {
        order,
        warranty,
        operation: anOperation({ tenantId, resourceType: 'order', resourceId: order.id }),
        reservation: aReservation({ tenantId, orderId: order.id, lines: [{ sku: ids.sku, locationId: 'default', quantity: 1 }] }),
        ret: aReturn({ tenantId, orderId: order.id, lines: [{ sku: ids.sku, quantity: 1 }] }),
        shipment: aShipment({ tenantId, orderId: order.id, lines: [{ sku: ids.sku, quantity: 1 }] }),
        claim: aClaim({ tenantId, warrantyId: warranty.id }),
      };
      await em.insert(Order, rows.order);
      await em.insert(Operation, rows.operation);
      await em.insert(InventoryItem, anInventoryItem({ tenantId, sku: ids.sku }));
      await em.insert(Reservation, rows.reservation);
      await em.insert(Return, rows.ret);
      await em.insert(Shipment, rows.shipment);
      await em.insert(Warranty, rows.warranty);
      await em.insert(WarrantyClaim, rows.claim);
      for (const [name, row] of Object.entries(rows)) ids[name] = row.id;
      const created = await request(gw.url).post('/v1/api-keys').set('X-API-Key', keyA).send({ name: 'victim', role: 'viewer' });
      expect(created.status).to.equal(201);
      ids.apiKey = created.body.id;
      const hook = await request(gw.url)
        .post('/v1/webhooks')
        .set('X-API-Key', keyA)
        .send({ url: 'https://hooks.example.com/victim', events: ['operation.succeeded'] });
      expect(hook.status).to.equal(201);
      ids.webhook = hook.body.id;
    });
    after(async () => {
      for (const w of workers) await w.close();
    });

    /** The resource of tenant A each :id route can be pointed at, by the path before `:id`; a new resource must be added here. */
    const foreignId = (path: string): string | undefined =>
      (
        ({
          '/v1/orders/': ids.order,
          '/v1/operations/': ids.operation,
          '/v1/inventory/items/': ids.sku,
          '/v1/inventory/reservations/': ids.reservation,
          '/v1/returns/': ids.ret,
          '/v1/shipments/': ids.shipment,
          '/v1/warranties/': ids.warranty,
          '/v1/warranty-claims/': ids.claim,
          '/v1/api-keys/': ids.apiKey,
          '/v1/webhooks/': ids.webhook,
        }) as Record<string, string | undefined>
      )[path.slice(0, path.indexOf(':id'))];

    /** A body the command accepts, so the request reaches Kafka and the worker. */
    const CANDIDATES: object[] = [
      {},
      { notes: 'changed' },
      { to: 'confirmed' },
      { delta: 5, reason: 'received' },
      { reason: 'cross-tenant probe' },
      { carrier: 'DHL', trackingNumber: 'T-1' },
      { months: 6 },
      { description: 'broken' },
    ];
    const validBody = (spec: RouteSpec): object => {
      if (spec.method === 'patch' && spec.path === '/v1/webhooks/:id') return { description: 'cross-tenant probe' };
      const def = commands.find((c) => c.route.method === spec.method && c.route.path === spec.path);
      if (!def) return {};
      const body = CANDIDATES.find((c) => def.body.safeParse(c).success);
      if (!body) throw new Error(`no valid body for ${def.type} in CANDIDATES; add one`);
      return body;
    };

    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });

    it('covers every :id route', async () => {
      const idRoutes = specs.filter((s) => s.path.includes(':id'));
      expect(idRoutes.length).to.be.greaterThan(8);
      const failures: string[] = [];
      for (const spec of idRoutes) {
        const foreign = foreignId(spec.path);
        if (!foreign) {
          failures.push(`${spec.method.toUpperCase()} ${spec.path}: no cross-tenant case; add one to this test`);
          continue;
        }
        const missing = spec.path.startsWith('/v1/inventory/items/') ? 'SKU-NOT-THERE-1' : randomUUID();
        // Conditions change nothing: a foreign resource at the named version is still not found.
        const send = (id: string) => {
          // A second id in the path (a webhook's delivery) is one that exists nowhere.
          const r = request(gw.url)[spec.method](fillPath(spec.path, id).replace(':deliveryId', randomUUID())).set('X-API-Key', keyB);
          if (spec.etag) r.set('If-None-Match', '*');
          if (spec.ifMatch) r.set('If-Match', '"1", "2"');
          return spec.body ? r.send(validBody(spec)) : r;
        };
        const a = await send(foreign);
        const b = await send(missing);
        const name = `${spec.method.toUpperCase()} ${spec.path}`;
        if (spec.success === 202) {
          // Commands are accepted without revealing anything; the worker then finds nothing in tenant B.
          if (a.status !== 202 || b.status !== 202) {
            failures.push(`${name}: ${a.status}/${b.status}`);
            continue;
          }
          const wait = async (loc: string) => (await request(gw.url).get(loc).set('X-API-Key', keyB).set('Prefer', 'wait=20')).body;
          const [opA, opB] = [await wait(a.headers.location!), await wait(b.headers.location!)];
          const shape = (op: { status: string; error?: { type: string; status: number; title: string } }) => ({
            status: op.status,
            type: op.error?.type,
            problemStatus: op.error?.status,
            title: op.error?.title,
          });
          if (JSON.stringify(shape(opA)) !== JSON.stringify(shape(opB)))
            failures.push(`${name}: foreign ${JSON.stringify(shape(opA))} ≠ missing ${JSON.stringify(shape(opB))}`);
          if (opA.status !== 'failed') failures.push(`${name}: a command on another tenant's resource ended ${opA.status}`);
        } else {
          if (a.status !== 404 || b.status !== 404) failures.push(`${name}: ${a.status}/${b.status}`);
          else if (a.headers.etag !== undefined) failures.push(`${name}: a foreign resource's 404 carries an ETag`);
          else if (JSON.stringify(strip(a.body)) !== JSON.stringify(strip(b.body))) failures.push(`${name}: bodies differ`);
          else if (!isProblem(a as never)) failures.push(`${name}: not problem+json`);
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);

      // Tenant A's resources are untouched.
      const em = gw.deps.orm.em.fork();
      expect((await em.findOneOrFail(Order, { id: ids.order })).status).to.equal('pending');
      expect((await em.findOneOrFail(Reservation, { id: ids.reservation })).status).to.equal('pending');
      const list = await request(gw.url).get('/v1/api-keys').set('X-API-Key', keyA);
      const victim = list.body.data.find((k: { id: string }) => k.id === ids.apiKey);
      expect(victim.revokedAt).to.equal(null);
      const hook = await request(gw.url).get(`/v1/webhooks/${ids.webhook}`).set('X-API-Key', keyA);
      expect(hook.body).to.include({ status: 'enabled', description: null, url: 'https://hooks.example.com/victim' });
    });
  });
});
