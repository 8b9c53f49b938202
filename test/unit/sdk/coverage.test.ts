import { expect } from 'chai';
import { loadConfig } from '../../../shared/config';
import { commands } from '../../../schemas/catalog';
import { openApiDocument } from '../../../gateway/http/openapi-document';
import { commandEntries, commandMethodName, type CommandBody, type CommandMethodName } from '../../../sdk/commands';
import { QUERY_ROUTES } from '../../../sdk/queries';
import { StatesetClient } from '../../../sdk';

/** Routes of the document that are not the API an integrator calls: probes, metrics, the JWT key set. */
const NOT_IN_SDK = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /.well-known/jwks.json']);

type Doc = { paths: Record<string, Record<string, { operationId: string }>> };

describe('sdk: every route has a method', () => {
  const doc = openApiDocument(loadConfig({ NODE_ENV: 'test' })) as unknown as Doc;
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operationId: op.operationId })),
  );
  const client = new StatesetClient({ baseUrl: 'http://sdk.invalid', apiKey: 'k', fetch: () => Promise.reject(new Error('no network')) });
  const methodAt = (dotted: string) => {
    const [ns, method] = dotted.split('.') as [string, string];
    return (client as unknown as Record<string, Record<string, unknown>>)[ns]?.[method];
  };
  const sdkRoutes = new Map<string, string>([
    ...commandEntries().map(({ namespace, method, def }) => [`${def.route.method.toUpperCase()} ${def.route.path}`, `${namespace}.${method}`] as const),
    ...Object.entries(QUERY_ROUTES).map(([name, [method, path]]) => [`${method} ${path}`, name] as const),
  ]);

  it('has a method for every operation of the OpenAPI document (by method and path), and none for a route it lacks', () => {
    const missing = documented.filter((d) => !NOT_IN_SDK.has(d.route) && !sdkRoutes.has(d.route)).map((d) => `${d.route} (${d.operationId})`);
    expect(missing, 'operations without an SDK method').to.deep.equal([]);
    const known = new Set(documented.map((d) => d.route));
    expect(
      [...sdkRoutes.keys()].filter((r) => !known.has(r)),
      'SDK routes the API does not have',
    ).to.deep.equal([]);
  });

  it('exposes each of those methods on the client', () => {
    for (const [route, dotted] of sdkRoutes) expect(methodAt(dotted), `${route} → client.${dotted}`).to.be.a('function');
  });

  it('names a command method after its type, in its domain namespace', () => {
    expect(commandEntries()).to.have.length(commands.length);
    expect(commandMethodName('order.create.v1')).to.equal('create');
    expect(commandMethodName('inventory.reservation.confirm.v1')).to.equal('reservationConfirm');
    expect(commandMethodName('shipment.in_transit.v1')).to.equal('inTransit');
    expect(commandMethodName('warranty.claim.submit.v1')).to.equal('claimSubmit');
    expect(methodAt('shipments.inTransit')).to.be.a('function');
  });

  it('types command methods and bodies from the catalog (checked by tsc)', () => {
    const sameName: CommandMethodName<'inventory.reservation.confirm.v1'> = 'reservationConfirm';
    const inTransit: CommandMethodName<'shipment.in_transit.v1'> = 'inTransit';
    const body: CommandBody<'order.create.v1'> = { customerId: 'c', currency: 'EUR', items: [{ sku: 'S', quantity: 1, unitPriceMinor: 1 }] };
    // @ts-expect-error -- a misspelt field is refused by the catalog's strict body type
    const misspelt: CommandBody<'order.cancel.v1'> = { reasn: 'x' };
    // Compile-time only: the calls below are never made.
    const typed = () => {
      void client.orders.create(body, { idempotencyKey: 'k-1' });
      void client.orders.transition('id', { to: 'confirmed' }, { ifMatch: 3 });
      void client.returns.approve('id');
      // @ts-expect-error -- a create has no resource to match
      void client.orders.create(body, { ifMatch: 1 });
      // @ts-expect-error -- the body of order.transition.v1 needs `to`
      void client.orders.transition('id', {});
    };
    expect([sameName, inTransit, typeof typed, typeof misspelt]).to.deep.equal(['reservationConfirm', 'inTransit', 'function', 'object']);
  });
});
