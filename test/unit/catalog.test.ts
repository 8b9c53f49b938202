import { expect } from 'chai';
import avro from 'avsc';
import { commands, DOMAINS, events, findCommand } from '../../schemas/catalog';
import { loadAvsc } from '../../schemas/load';
import { loadConfig } from '../../shared/config';
import { DOMAIN_WORKERS } from '../../workers/domains';

/** Unit tests run on the development secrets, which need NODE_ENV to say so. */
const DEV = { NODE_ENV: 'test' };

const ID = '77777777-7777-4777-8777-777777777777';
const SKU = 'SKU-1';
const ORDER = '11111111-1111-4111-8111-111111111111';

/** A valid HTTP body for every command of the catalog: body → zod → toPayload → must be valid Avro. */
const samples: Record<string, Record<string, unknown>> = {
  'order.create.v1': { customerId: 'c-1', currency: 'EUR', items: [{ sku: SKU, quantity: 2, unitPriceMinor: 500 }] },
  'order.update.v1': { notes: 'leave at the door' },
  'order.transition.v1': { to: 'confirmed' },
  'order.cancel.v1': { reason: 'changed mind' },
  'order.archive.v1': {},
  'inventory.item.create.v1': { sku: SKU, name: 'Widget' },
  'inventory.adjust.v1': { delta: 5, reason: 'received' },
  'inventory.reserve.v1': { orderId: ORDER, lines: [{ sku: SKU, quantity: 1 }] },
  'inventory.reservation.confirm.v1': {},
  'inventory.reservation.release.v1': { reason: 'order cancelled' },
  'return.request.v1': { orderId: ORDER, lines: [{ sku: SKU, quantity: 1 }], reason: 'broken' },
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
  'warranty.register.v1': { customerId: 'c-1', sku: SKU, months: 24 },
  'warranty.extend.v1': { months: 12 },
  'warranty.void.v1': { reason: 'fraud' },
  'warranty.claim.submit.v1': { description: 'does not start' },
  'warranty.claim.approve.v1': {},
  'warranty.claim.reject.v1': { reason: 'water damage' },
  'warranty.claim.resolve.v1': { resolution: 'replaced' },
};

const wired = DOMAINS.map((d) => ({ domain: d, ...DOMAIN_WORKERS[d].options(loadConfig(DEV)) }));

describe('catalog', () => {
  it('has a sample body here for every command (a new command needs one)', () => {
    expect(commands.map((c) => c.type).sort()).to.deep.equal(Object.keys(samples).sort());
  });

  it("every command has exactly one handler, in its own domain's worker", () => {
    for (const w of wired) {
      const own = commands
        .filter((c) => c.domain === w.domain)
        .map((c) => c.type)
        .sort();
      expect(w.handlers.map((h) => h.command).sort(), w.domain).to.deep.equal(own);
    }
  });

  it('every event handler reacts to an event of another domain of the catalog', () => {
    for (const w of wired) {
      for (const h of w.eventHandlers ?? []) {
        const e = events.find((x) => x.type === h.event);
        expect(e, `${w.domain}: ${h.event}`).to.not.equal(undefined);
        expect(e!.domain, h.event).to.not.equal(w.domain);
      }
    }
  });

  it("types and routes are unique, and each command takes its domain's write permission", () => {
    const types = [...commands, ...events].map((c) => c.type);
    expect(new Set(types).size).to.equal(types.length);
    const routes = commands.map((c) => `${c.route.method} ${c.route.path}`);
    expect(new Set(routes).size).to.equal(routes.length);
    for (const c of commands) expect(c.permission, c.type).to.equal(`${c.domain}:write`);
  });

  for (const [type, body] of Object.entries(samples)) {
    it(`${type}: a valid body becomes a valid Avro payload keyed by its resource id; unknown fields are refused`, () => {
      const def = findCommand(type);
      expect(def, type).to.not.equal(undefined);
      const parsed = def!.body.parse(body);
      const id = def!.route.path.includes(':id') ? (def!.idParam ? SKU : ID) : undefined;
      const payload = def!.toPayload(parsed, { id, newId: () => ID });
      const t = avro.Type.forSchema(loadAvsc(def!.schemaFile) as avro.Schema);
      const errors: string[] = [];
      t.isValid(payload, { errorHook: (p) => errors.push(p.join('.')) });
      expect(errors, JSON.stringify(payload)).to.deep.equal([]);
      const fields: Record<string, unknown> = payload;
      expect(fields[def!.keyField]).to.equal(def!.keyField === 'sku' ? SKU : ID);
      expect(() => def!.body.parse({ ...body, extra: 1 })).to.throw();
    });
  }

  it('every event names a key field of its schema', () => {
    for (const e of events) {
      const fields = (loadAvsc(e.schemaFile).fields as { name: string }[]).map((f) => f.name);
      expect(fields, e.type).to.include(e.keyField);
    }
  });
});
