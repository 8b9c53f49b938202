import { expect } from 'chai';
import { Order, PublishedOrder, type OrderRow } from '../../workers/orders/entities';
import { Return, type ReturnRow } from '../../workers/returns/entities';
import { Shipment, type ShipmentRow } from '../../workers/shipments/entities';
import { Warranty, WarrantyClaim, type WarrantyClaimRow, type WarrantyRow } from '../../workers/warranties/entities';
import { BusinessRuleError, InputError, InvalidTransitionError, NotFoundError } from '../../shared/errors';
import type { CommandHandler, EventHandler } from '../../shared/worker';
import { returnableLines } from '../../workers/returns/return-lines';
import { returnHandlers } from '../../workers/returns/handlers';
import { shipmentLines } from '../../workers/shipments/shipment-lines';
import { shipmentHandlers } from '../../workers/shipments/handlers';
import { onShipmentDelivered } from '../../workers/orders/events/on-shipment-delivered';
import { warrantyHandlers } from '../../workers/warranties/handlers';
import { addMonths, assertClaimable, hasLapsed } from '../../workers/warranties/warranty-rules';
import { aClaim, anOrder, aReturn, aShipment, aWarranty } from '../support/factories';
import { FakeEm, fakeContext } from './support/fake-context';

const T = 'tenant-a';
const ORDER = '11111111-1111-4111-8111-111111111111';
const RET = '22222222-2222-4222-8222-222222222222';
const SHIP = '33333333-3333-4333-8333-333333333333';
const WAR = '44444444-4444-4444-8444-444444444444';
const CLAIM = '55555555-5555-4555-8555-555555555555';
const OTHER = '66666666-6666-4666-8666-666666666666';

function handler(list: CommandHandler<never>[], command: string) {
  const h = list.find((x) => x.command === command);
  if (!h) throw new Error(`no handler ${command}`);
  return (cmd: Record<string, unknown>, ctx: ReturnType<typeof fakeContext>) => h.handle(cmd as never, ctx);
}
const react = (h: EventHandler<never>) => (evt: Record<string, unknown>, ctx: ReturnType<typeof fakeContext>) => h.handle(evt as never, ctx);

/** A delivered order of tenant-a with SKU A on two lines (2 + 1) and SKU B once. */
const order = (over: Partial<OrderRow> = {}): OrderRow =>
  anOrder({
    id: ORDER,
    tenantId: T,
    status: 'delivered',
    totalMinor: 350,
    items: [
      { sku: 'A', quantity: 2, unitPriceMinor: 100 },
      { sku: 'B', quantity: 1, unitPriceMinor: 50 },
      { sku: 'A', quantity: 1, unitPriceMinor: 100 },
    ],
    ...over,
  });

describe('returns: rules', () => {
  describe('returnableLines', () => {
    const items = order().items;
    it('merges per SKU (order lines too) and sorts', () => {
      expect(
        returnableLines(
          items,
          [],
          [
            { sku: 'B', quantity: 1 },
            { sku: 'A', quantity: 1 },
            { sku: 'A', quantity: 2 },
          ],
        ),
      ).to.deep.equal([
        { sku: 'A', quantity: 3 },
        { sku: 'B', quantity: 1 },
      ]);
    });
    it('refuses a SKU that is not a line of the order', () => {
      expect(() => returnableLines(items, [], [{ sku: 'Z', quantity: 1 }]))
        .to.throw(BusinessRuleError)
        .with.property('rule', 'return_line_not_in_order');
    });
    it('refuses more than ordered, counting what other returns already claim', () => {
      expect(() => returnableLines(items, [], [{ sku: 'A', quantity: 4 }]))
        .to.throw(BusinessRuleError)
        .with.property('rule', 'return_quantity_exceeded');
      expect(returnableLines(items, [{ sku: 'A', quantity: 2 }], [{ sku: 'A', quantity: 1 }])).to.deep.equal([{ sku: 'A', quantity: 1 }]);
      expect(() => returnableLines(items, [{ sku: 'A', quantity: 2 }], [{ sku: 'A', quantity: 2 }])).to.throw(BusinessRuleError);
    });
  });

  describe('return.request.v1', () => {
    const request = handler(returnHandlers, 'return.request.v1');
    const cmd = { returnId: RET, orderId: ORDER, lines: [{ sku: 'A', quantity: 1 }], reason: 'broken' };

    it('creates a requested return of a delivered order of the same tenant, with its event and audit record', async () => {
      const em = new FakeEm().seed(PublishedOrder, order());
      const ctx = fakeContext(em);
      expect(await request(cmd, ctx)).to.deep.equal({ type: 'return', id: RET });
      expect(em.rows(Return)).to.have.length(1).and.to.have.nested.property('[0].status', 'requested');
      expect(ctx.events).to.deep.equal([
        { type: 'return.requested.v1', payload: { returnId: RET, orderId: ORDER, lines: [{ sku: 'A', quantity: 1 }], reason: 'broken' } },
      ]);
      expect(ctx.changes).to.deep.include({ resourceType: 'return', id: RET, from: null, to: 'requested', details: { orderId: ORDER } });
      // the returns of the order are serialized by a returns-owned lock, never by locking the order
      expect(em.statements).to.have.length(1);
      expect(em.statements[0])
        .to.deep.include({ params: [T, ORDER] })
        .and.to.have.property('sql')
        .that.matches(/pg_advisory_xact_lock/);
    });

    for (const status of ['pending', 'confirmed', 'processing', 'on_hold', 'shipped', 'cancelled', 'refunded', 'exchanged'] as const) {
      it(`refuses an order that is ${status}, changing nothing`, async () => {
        const em = new FakeEm().seed(PublishedOrder, order({ status }));
        const ctx = fakeContext(em);
        await expect(request(cmd, ctx)).to.be.rejectedWith(BusinessRuleError).and.eventually.have.property('rule', 'order_not_delivered');
        expect(em.rows(Return)).to.have.length(0);
        expect(ctx.events).to.have.length(0);
      });
    }

    it("answers not found for another tenant's order and for a malformed id", async () => {
      const em = new FakeEm().seed(PublishedOrder, order({ tenantId: 'tenant-b' }));
      await expect(request(cmd, fakeContext(em))).to.be.rejectedWith(NotFoundError);
      await expect(request({ ...cmd, orderId: 'not-a-uuid' }, fakeContext(em))).to.be.rejectedWith(NotFoundError);
    });

    it('counts earlier returns of the order unless they were rejected', async () => {
      const prior = (status: ReturnRow['status']) => aReturn({ id: OTHER, tenantId: T, orderId: ORDER, status, lines: [{ sku: 'B', quantity: 1 }] });
      const ok = new FakeEm().seed(PublishedOrder, order()).seed(Return, prior('rejected'));
      await request({ ...cmd, lines: [{ sku: 'B', quantity: 1 }] }, fakeContext(ok));
      const full = new FakeEm().seed(PublishedOrder, order()).seed(Return, prior('approved'));
      await expect(request({ ...cmd, lines: [{ sku: 'B', quantity: 1 }] }, fakeContext(full)))
        .to.be.rejectedWith(BusinessRuleError)
        .and.eventually.have.property('rule', 'return_quantity_exceeded');
    });
  });

  describe('return transitions', () => {
    const ret = (status: ReturnRow['status']) => aReturn({ id: RET, tenantId: T, orderId: ORDER, status, lines: [{ sku: 'A', quantity: 2 }] });
    const steps = [
      ['return.approve.v1', 'requested', 'approved'],
      ['return.reject.v1', 'requested', 'rejected'],
      ['return.receive.v1', 'approved', 'received'],
      ['return.restock.v1', 'received', 'restocked'],
      ['return.refund.v1', 'restocked', 'refunded'],
    ] as const;
    for (const [type, from, to] of steps) {
      it(`${type}: ${from} → ${to} with return.status_changed.v1 and an audit record`, async () => {
        const row = ret(from);
        const ctx = fakeContext(new FakeEm().seed(Return, row));
        await handler(returnHandlers, type)({ returnId: RET, reason: 'no receipt' }, ctx);
        expect(row.status).to.equal(to);
        expect(ctx.events[0]).to.deep.include({ type: 'return.status_changed.v1' });
        expect(ctx.events[0]!.payload).to.include({ returnId: RET, orderId: ORDER, from, to });
        expect(ctx.changes).to.have.length(1);
        expect(ctx.changes[0]).to.include({ resourceType: 'return', id: RET, from, to });
        if (to === 'rejected') expect(row.rejectionReason).to.equal('no receipt');
      });
    }

    it('restock also emits return.restocked.v1 with the lines (inventory adds them)', async () => {
      const ctx = fakeContext(new FakeEm().seed(Return, ret('received')));
      await handler(returnHandlers, 'return.restock.v1')({ returnId: RET }, ctx);
      expect(ctx.events.map((e) => e.type)).to.deep.equal(['return.status_changed.v1', 'return.restocked.v1']);
      expect(ctx.events[1]!.payload).to.deep.equal({ returnId: RET, orderId: ORDER, lines: [{ sku: 'A', quantity: 2 }] });
    });

    it('an illegal step throws InvalidTransitionError and changes and emits nothing', async () => {
      const row = ret('requested');
      const ctx = fakeContext(new FakeEm().seed(Return, row));
      await expect(handler(returnHandlers, 'return.restock.v1')({ returnId: RET }, ctx)).to.be.rejectedWith(InvalidTransitionError);
      expect(row.status).to.equal('requested');
      expect(ctx.events).to.have.length(0);
      expect(ctx.changes).to.have.length(0);
    });

    it("another tenant's return is not found", async () => {
      const ctx = fakeContext(new FakeEm().seed(Return, { ...ret('requested'), tenantId: 'tenant-b' }));
      await expect(handler(returnHandlers, 'return.approve.v1')({ returnId: RET }, ctx)).to.be.rejectedWith(NotFoundError);
    });
  });
});

describe('shipments: rules', () => {
  it('shipmentLines: every order line by default, else given lines within the ordered quantities', () => {
    const items = order().items;
    expect(shipmentLines(items, null)).to.deep.equal([
      { sku: 'A', quantity: 3 },
      { sku: 'B', quantity: 1 },
    ]);
    expect(shipmentLines(items, [{ sku: 'A', quantity: 1 }])).to.deep.equal([{ sku: 'A', quantity: 1 }]);
    expect(() => shipmentLines(items, [{ sku: 'Z', quantity: 1 }]))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'shipment_line_not_in_order');
    expect(() => shipmentLines(items, [{ sku: 'B', quantity: 2 }]))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'shipment_quantity_exceeded');
  });

  describe('shipment.create.v1', () => {
    const create = handler(shipmentHandlers, 'shipment.create.v1');
    const cmd = { shipmentId: SHIP, orderId: ORDER, carrier: 'dhl', lines: null };
    for (const status of ['confirmed', 'processing', 'shipped'] as const) {
      it(`creates a shipment for a ${status} order`, async () => {
        const em = new FakeEm().seed(PublishedOrder, order({ status }));
        const ctx = fakeContext(em);
        await create(cmd, ctx);
        expect(em.rows(Shipment)).to.have.nested.property('[0].status', 'created');
        expect(ctx.events).to.deep.equal([
          {
            type: 'shipment.created.v1',
            payload: {
              shipmentId: SHIP,
              orderId: ORDER,
              carrier: 'dhl',
              lines: [
                { sku: 'A', quantity: 3 },
                { sku: 'B', quantity: 1 },
              ],
            },
          },
        ]);
      });
    }
    for (const status of ['pending', 'on_hold', 'delivered', 'cancelled', 'refunded', 'exchanged'] as const) {
      it(`refuses a ${status} order`, async () => {
        const em = new FakeEm().seed(PublishedOrder, order({ status }));
        await expect(create(cmd, fakeContext(em)))
          .to.be.rejectedWith(BusinessRuleError)
          .and.eventually.have.property('rule', 'order_not_shippable');
        expect(em.rows(Shipment)).to.have.length(0);
      });
    }
    it("answers not found for another tenant's order", async () => {
      const em = new FakeEm().seed(PublishedOrder, order({ tenantId: 'tenant-b', status: 'processing' }));
      await expect(create(cmd, fakeContext(em))).to.be.rejectedWith(NotFoundError);
    });
  });

  describe('shipment transitions', () => {
    const ship = (status: ShipmentRow['status']) => aShipment({ id: SHIP, tenantId: T, orderId: ORDER, status, lines: [] });
    it('ship records carrier, tracking number and time', async () => {
      const row = ship('created');
      const ctx = fakeContext(new FakeEm().seed(Shipment, row));
      await handler(shipmentHandlers, 'shipment.ship.v1')({ shipmentId: SHIP, carrier: 'ups', trackingNumber: '1Z999' }, ctx);
      expect(row).to.include({ status: 'shipped', carrier: 'ups', trackingNumber: '1Z999' });
      expect(row.shippedAt).to.be.instanceOf(Date);
      expect(ctx.events[0]!.payload).to.include({ from: 'created', to: 'shipped', carrier: 'ups', trackingNumber: '1Z999' });
    });
    it('deliver (from in_transit) emits shipment.delivered.v1 for the orders worker', async () => {
      const row = ship('in_transit');
      const ctx = fakeContext(new FakeEm().seed(Shipment, row));
      await handler(shipmentHandlers, 'shipment.deliver.v1')({ shipmentId: SHIP }, ctx);
      expect(ctx.events.map((e) => e.type)).to.deep.equal(['shipment.status_changed.v1', 'shipment.delivered.v1']);
      expect(ctx.events[1]!.payload).to.deep.equal({ shipmentId: SHIP, orderId: ORDER });
      expect(row.deliveredAt).to.be.instanceOf(Date);
    });
    it('shipped → delivered directly is refused (in_transit first)', async () => {
      const ctx = fakeContext(new FakeEm().seed(Shipment, ship('shipped')));
      await expect(handler(shipmentHandlers, 'shipment.deliver.v1')({ shipmentId: SHIP }, ctx)).to.be.rejectedWith(InvalidTransitionError);
      expect(ctx.events).to.have.length(0);
    });
    it('exception records the reason', async () => {
      const row = ship('in_transit');
      await handler(shipmentHandlers, 'shipment.exception.v1')({ shipmentId: SHIP, reason: 'lost' }, fakeContext(new FakeEm().seed(Shipment, row)));
      expect(row).to.include({ status: 'exception', exceptionReason: 'lost' });
    });
  });

  describe('orders react to shipment.delivered', () => {
    const deliver = react(onShipmentDelivered);
    const evt = { shipmentId: SHIP, orderId: ORDER };
    it('shipped → delivered', async () => {
      const row = order({ status: 'shipped' });
      const ctx = fakeContext(new FakeEm().seed(Order, row));
      await deliver(evt, ctx);
      expect(row.status).to.equal('delivered');
      expect(ctx.events.map((e) => `${String(e.payload.from)}→${String(e.payload.to)}`)).to.deep.equal(['shipped→delivered']);
    });
    it('processing → shipped → delivered (both transitions recorded)', async () => {
      const row = order({ status: 'processing' });
      const ctx = fakeContext(new FakeEm().seed(Order, row));
      await deliver(evt, ctx);
      expect(row.status).to.equal('delivered');
      expect(ctx.changes.map((c) => `${String(c.from)}→${c.to}`)).to.deep.equal(['processing→shipped', 'shipped→delivered']);
    });
    it('already delivered: nothing to do', async () => {
      const ctx = fakeContext(new FakeEm().seed(Order, order({ status: 'delivered' })));
      await deliver(evt, ctx);
      expect(ctx.events).to.have.length(0);
    });
    it('a cancelled order is not delivered (the runner audits the reaction as not applied)', async () => {
      const ctx = fakeContext(new FakeEm().seed(Order, order({ status: 'cancelled' })));
      await expect(deliver(evt, ctx)).to.be.rejectedWith(InvalidTransitionError);
    });
  });
});

describe('warranties: rules', () => {
  const DAY = 24 * 3600 * 1000;
  const warranty = (over: Partial<WarrantyRow> = {}) => aWarranty({ id: WAR, tenantId: T, sku: 'A', endsAt: new Date(Date.now() + 10 * DAY), ...over });

  it('addMonths keeps the time of day and clamps to the end of the month', () => {
    expect(addMonths(new Date('2027-01-31T10:20:30.000Z'), 1).toISOString()).to.equal('2027-02-28T10:20:30.000Z');
    expect(addMonths(new Date('2028-01-31T00:00:00.000Z'), 1).toISOString()).to.equal('2028-02-29T00:00:00.000Z');
    expect(addMonths(new Date('2026-12-15T00:00:00.000Z'), 2).toISOString()).to.equal('2027-02-15T00:00:00.000Z');
    expect(addMonths(new Date('2026-03-01T00:00:00.000Z'), 24).toISOString()).to.equal('2028-03-01T00:00:00.000Z');
  });

  it('a claim needs an active warranty that has started and not lapsed', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const w = { id: WAR, status: 'active' as const, startsAt: new Date('2027-01-01T00:00:00Z'), endsAt: new Date('2028-01-01T00:00:00Z') };
    expect(() => assertClaimable(w, now)).to.not.throw();
    expect(() => assertClaimable({ ...w, status: 'void' }, now))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'warranty_not_active');
    expect(() => assertClaimable({ ...w, status: 'expired' }, now))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'warranty_not_active');
    expect(() => assertClaimable(w, w.endsAt))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'warranty_expired');
    expect(() => assertClaimable(w, new Date('2026-12-31T00:00:00Z')))
      .to.throw(BusinessRuleError)
      .with.property('rule', 'warranty_not_started');
    expect(hasLapsed(w, new Date(w.endsAt.getTime() - 1))).to.equal(false);
  });

  describe('warranty.register.v1', () => {
    const register = handler(warrantyHandlers, 'warranty.register.v1');
    const cmd = {
      warrantyId: WAR,
      customerId: 'c1',
      sku: 'A',
      orderId: null,
      serialNumber: 'SN1',
      startsAt: '2027-01-31T00:00:00.000Z',
      months: 13,
    };
    it('registers an active warranty ending startsAt + months', async () => {
      const em = new FakeEm();
      const ctx = fakeContext(em);
      await register(cmd, ctx);
      expect(em.rows(Warranty)[0]).to.include({ status: 'active', sku: 'A', serialNumber: 'SN1' });
      expect(ctx.events[0]!.payload).to.include({ startsAt: '2027-01-31T00:00:00.000Z', endsAt: '2028-02-29T00:00:00.000Z' });
    });
    it('checks the SKU against the order when one is given (same tenant)', async () => {
      const em = new FakeEm().seed(PublishedOrder, order());
      await register({ ...cmd, orderId: ORDER }, fakeContext(em));
      await expect(register({ ...cmd, orderId: ORDER, sku: 'Z' }, fakeContext(new FakeEm().seed(PublishedOrder, order()))))
        .to.be.rejectedWith(BusinessRuleError)
        .and.eventually.have.property('rule', 'warranty_sku_not_in_order');
      await expect(register({ ...cmd, orderId: ORDER }, fakeContext(new FakeEm().seed(PublishedOrder, order({ tenantId: 'tenant-b' }))))).to.be.rejectedWith(
        NotFoundError,
      );
    });
    it('refuses a period that is already over, and months out of range', async () => {
      await expect(register({ ...cmd, startsAt: '2001-01-01T00:00:00.000Z', months: 12 }, fakeContext(new FakeEm())))
        .to.be.rejectedWith(BusinessRuleError)
        .and.eventually.have.property('rule', 'warranty_period_over');
      await expect(register({ ...cmd, months: 0 }, fakeContext(new FakeEm()))).to.be.rejectedWith(InputError);
    });
  });

  describe('extend, void and claims', () => {
    it('extend moves the end of an active warranty and emits warranty.extended.v1', async () => {
      const row = warranty({ endsAt: new Date('2099-01-31T00:00:00.000Z') });
      const ctx = fakeContext(new FakeEm().seed(Warranty, row));
      await handler(warrantyHandlers, 'warranty.extend.v1')({ warrantyId: WAR, months: 1 }, ctx);
      expect(row.endsAt.toISOString()).to.equal('2099-02-28T00:00:00.000Z');
      expect(ctx.events).to.deep.equal([{ type: 'warranty.extended.v1', payload: { warrantyId: WAR, months: 1, endsAt: '2099-02-28T00:00:00.000Z' } }]);
    });
    it('attack: extensions stop at 100 years of coverage, with a rule, long before any date limit', async () => {
      const startsAt = new Date('2026-01-01T00:00:00.000Z');
      const row = warranty({ startsAt, endsAt: new Date('2125-06-01T00:00:00.000Z') });
      const ctx = fakeContext(new FakeEm().seed(Warranty, row));
      await expect(handler(warrantyHandlers, 'warranty.extend.v1')({ warrantyId: WAR, months: 120 }, ctx))
        .to.be.rejectedWith(BusinessRuleError)
        .and.eventually.have.property('rule', 'warranty_coverage_limit');
      expect(row.endsAt.toISOString()).to.equal('2125-06-01T00:00:00.000Z');
      await handler(warrantyHandlers, 'warranty.extend.v1')({ warrantyId: WAR, months: 7 }, ctx);
      expect(row.endsAt.toISOString()).to.equal('2126-01-01T00:00:00.000Z');
    });
    for (const over of [{ status: 'void' as const }, { status: 'expired' as const }, { endsAt: new Date(Date.now() - 1000) }]) {
      it(`extend refuses a warranty that is not in force (${JSON.stringify(over)})`, async () => {
        const ctx = fakeContext(new FakeEm().seed(Warranty, warranty(over)));
        await expect(handler(warrantyHandlers, 'warranty.extend.v1')({ warrantyId: WAR, months: 1 }, ctx)).to.be.rejectedWith(BusinessRuleError);
      });
    }
    it('void: active → void with the reason; void again is an illegal transition', async () => {
      const row = warranty();
      const ctx = fakeContext(new FakeEm().seed(Warranty, row));
      await handler(warrantyHandlers, 'warranty.void.v1')({ warrantyId: WAR, reason: 'fraud' }, ctx);
      expect(row).to.include({ status: 'void', voidReason: 'fraud' });
      expect(ctx.events[0]).to.deep.equal({
        type: 'warranty.status_changed.v1',
        payload: { warrantyId: WAR, from: 'active', to: 'void', reason: 'fraud' },
      });
      await expect(handler(warrantyHandlers, 'warranty.void.v1')({ warrantyId: WAR, reason: 'x' }, ctx)).to.be.rejectedWith(InvalidTransitionError);
    });
    it('submit makes a submitted claim on a warranty in force; not on a void or lapsed one', async () => {
      const submit = handler(warrantyHandlers, 'warranty.claim.submit.v1');
      const em = new FakeEm().seed(Warranty, warranty());
      const ctx = fakeContext(em);
      expect(await submit({ claimId: CLAIM, warrantyId: WAR, description: 'screen dead' }, ctx)).to.deep.equal({
        type: 'warranty_claim',
        id: CLAIM,
      });
      expect(em.rows(WarrantyClaim)[0]).to.include({ status: 'submitted', warrantyId: WAR });
      expect(ctx.events[0]).to.deep.equal({
        type: 'warranty.claim_status_changed.v1',
        payload: { claimId: CLAIM, warrantyId: WAR, from: null, to: 'submitted', reason: null },
      });
      for (const over of [{ status: 'void' as const }, { endsAt: new Date(Date.now() - 1) }]) {
        const bad = new FakeEm().seed(Warranty, warranty(over));
        await expect(submit({ claimId: CLAIM, warrantyId: WAR, description: 'x' }, fakeContext(bad))).to.be.rejectedWith(BusinessRuleError);
        expect(bad.rows(WarrantyClaim)).to.have.length(0);
      }
      await expect(
        submit({ claimId: CLAIM, warrantyId: WAR, description: 'x' }, fakeContext(new FakeEm().seed(Warranty, warranty({ tenantId: 'tenant-b' })))),
      ).to.be.rejectedWith(NotFoundError);
    });
    it('claims: approve (not on a void warranty), reject with reason, resolve only after a decision', async () => {
      const claim = (status: WarrantyClaimRow['status']) => aClaim({ id: CLAIM, tenantId: T, warrantyId: WAR, status });
      const approve = handler(warrantyHandlers, 'warranty.claim.approve.v1');
      const reject = handler(warrantyHandlers, 'warranty.claim.reject.v1');
      const resolve = handler(warrantyHandlers, 'warranty.claim.resolve.v1');

      const c1 = claim('submitted');
      await approve({ claimId: CLAIM, note: 'ok' }, fakeContext(new FakeEm().seed(Warranty, warranty()).seed(WarrantyClaim, c1)));
      expect(c1).to.include({ status: 'approved', decisionNote: 'ok' });
      await resolve({ claimId: CLAIM, resolution: 'replaced' }, fakeContext(new FakeEm().seed(WarrantyClaim, c1)));
      expect(c1).to.include({ status: 'resolved', resolution: 'replaced' });

      const c2 = claim('submitted');
      await reject({ claimId: CLAIM, reason: 'water damage' }, fakeContext(new FakeEm().seed(WarrantyClaim, c2)));
      expect(c2).to.include({ status: 'rejected', decisionNote: 'water damage' });

      await expect(resolve({ claimId: CLAIM, resolution: null }, fakeContext(new FakeEm().seed(WarrantyClaim, claim('submitted'))))).to.be.rejectedWith(
        InvalidTransitionError,
      );
      await expect(
        approve({ claimId: CLAIM, note: null }, fakeContext(new FakeEm().seed(Warranty, warranty({ status: 'void' })).seed(WarrantyClaim, claim('submitted')))),
      )
        .to.be.rejectedWith(BusinessRuleError)
        .and.eventually.have.property('rule', 'warranty_void');
    });
  });
});
