import { expect } from 'chai';
import avro from 'avsc';
import { commands, events, findCommand } from '../../schemas/catalog';
import { loadAvsc } from '../../schemas/load';
import { returnHandlers } from '../../workers/returns/handlers';
import { shipmentHandlers } from '../../workers/shipments/handlers';
import { warrantyHandlers } from '../../workers/warranties/handlers';

const ID = '77777777-7777-4777-8777-777777777777';
const ORDER = '11111111-1111-4111-8111-111111111111';

/** A valid HTTP body for each new command: body → zod → toPayload → must be valid Avro. */
const samples: Record<string, Record<string, unknown>> = {
  'return.request.v1': { orderId: ORDER, lines: [{ sku: 'A-1', quantity: 1 }], reason: 'broken' },
  'return.approve.v1': {},
  'return.reject.v1': { reason: 'no receipt' },
  'return.receive.v1': {},
  'return.restock.v1': {},
  'return.refund.v1': {},
  'shipment.create.v1': { orderId: ORDER },
  'shipment.ship.v1': { carrier: 'dhl', trackingNumber: 'JD0001' },
  'shipment.in_transit.v1': {},
  'shipment.deliver.v1': {},
  'shipment.exception.v1': { reason: 'address unknown' },
  'warranty.register.v1': { customerId: 'c-1', sku: 'A-1', months: 24 },
  'warranty.extend.v1': { months: 12 },
  'warranty.void.v1': { reason: 'fraud' },
  'warranty.claim.submit.v1': { description: 'does not start' },
  'warranty.claim.approve.v1': {},
  'warranty.claim.reject.v1': { reason: 'water damage' },
  'warranty.claim.resolve.v1': { resolution: 'replaced' },
};

const domains = ['returns', 'shipments', 'warranties'];
const ours = commands.filter((c) => domains.includes(c.domain));

describe('catalog: returns, shipments, warranties', () => {
  it('has exactly the expected commands, each with one handler', () => {
    expect(ours.map((c) => c.type).sort()).to.deep.equal(Object.keys(samples).sort());
    const handled = [...returnHandlers, ...shipmentHandlers, ...warrantyHandlers].map((h) => h.command).sort();
    expect(handled).to.deep.equal(Object.keys(samples).sort());
  });

  it('routes are unique and permissions are the domain\'s write permission', () => {
    const routes = commands.map((c) => `${c.route.method} ${c.route.path}`);
    expect(new Set(routes).size).to.equal(routes.length);
    for (const c of ours) expect(c.permission, c.type).to.equal(`${c.domain}:write`);
  });

  for (const [type, body] of Object.entries(samples)) {
    it(`${type}: a valid body becomes a valid Avro payload keyed by its resource id`, () => {
      const def = findCommand(type)!;
      const parsed = def.body.parse(body);
      const payload = def.toPayload(parsed, { id: def.route.path.includes(':id') ? ID : undefined, newId: () => ID });
      const t = avro.Type.forSchema(loadAvsc(def.schemaFile) as avro.Schema);
      const errors: string[] = [];
      t.isValid(payload, { errorHook: (p) => errors.push(p.join('.')) });
      expect(errors, JSON.stringify(payload)).to.deep.equal([]);
      expect(payload[def.keyField]).to.equal(ID);
      expect(() => def.body.parse({ ...body, extra: 1 })).to.throw();
    });
  }

  it('every new event names a key field of its schema', () => {
    const ev = events.filter((e) => domains.includes(e.domain));
    expect(ev.map((e) => e.type).sort()).to.deep.equal([
      'return.requested.v1', 'return.restock_settled.v1', 'return.restocked.v1', 'return.status_changed.v1',
      'shipment.created.v1', 'shipment.delivered.v1', 'shipment.status_changed.v1',
      'warranty.claim_status_changed.v1', 'warranty.extended.v1', 'warranty.registered.v1', 'warranty.status_changed.v1',
    ]);
    for (const e of ev) {
      const fields = (loadAvsc(e.schemaFile).fields as { name: string }[]).map((f) => f.name);
      expect(fields, e.type).to.include(e.keyField);
    }
  });
});
