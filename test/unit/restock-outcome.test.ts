import { expect } from 'chai';
import { InventoryItem } from '../../workers/inventory/entities';
import { Return } from '../../workers/returns/entities';
import { onReturnRestocked } from '../../workers/inventory/events/on-return-restocked';
import { onRestockSettled } from '../../workers/returns/events/on-restock-settled';
import { returnHandlers } from '../../workers/returns/handlers';
import { FakeEm, fakeContext } from './support/fake-context';

const T = 'tenant-a';
const RET = '22222222-2222-4222-8222-222222222222';
const ORDER = '11111111-1111-4111-8111-111111111111';

describe('restock outcome: inventory settles a restocked return, the return shows it', () => {
  const ret = (over: Record<string, unknown> = {}) => ({
    id: RET,
    tenantId: T,
    orderId: ORDER,
    status: 'restocked',
    lines: [
      { sku: 'A', quantity: 1 },
      { sku: 'Z', quantity: 2 },
    ],
    reason: 'r',
    rejectionReason: null,
    restockOutcome: 'pending',
    restockRefusalReason: null,
    ...over,
  });

  it('return.restock.v1 leaves the outcome pending until inventory answers', async () => {
    const row = ret({ status: 'received', restockOutcome: null });
    await returnHandlers.find((h) => h.command === 'return.restock.v1')!.handle({ returnId: RET } as never, fakeContext(new FakeEm().seed(Return, row)));
    expect(row).to.include({ status: 'restocked', restockOutcome: 'pending' });
  });

  it('inventory refuses a return with a SKU it does not know: nothing adjusted, restock_settled refused with the reason, audited', async () => {
    const em = new FakeEm().seed(InventoryItem, { tenantId: T, sku: 'A', name: 'a' });
    const ctx = fakeContext(em);
    const audits: unknown[] = [];
    ctx.outbox = { audit: (a: unknown) => audits.push(a) } as never;
    await onReturnRestocked.handle(
      {
        returnId: RET,
        orderId: ORDER,
        lines: [
          { sku: 'Z', quantity: 2 },
          { sku: 'A', quantity: 1 },
        ],
      } as never,
      ctx,
    );
    expect(ctx.events).to.deep.equal([
      { type: 'inventory.restock_settled.v1', payload: { returnId: RET, orderId: ORDER, outcome: 'refused', reason: 'unknown SKU Z' } },
    ]);
    expect(em.statements).to.have.length(0);
    expect(audits).to.have.length(1).and.to.have.nested.property('[0].action', 'restock.refused');
  });

  for (const [outcome, reason, shown] of [
    ['refused', 'unknown SKU Z', 'unknown SKU Z'],
    ['applied', null, null],
  ] as const) {
    it(`the return records ${outcome} and announces it on its own topic`, async () => {
      const row = ret();
      const ctx = fakeContext(new FakeEm().seed(Return, row));
      await onRestockSettled.handle({ returnId: RET, orderId: ORDER, outcome, reason } as never, ctx);
      expect(row).to.include({ status: 'restocked', restockOutcome: outcome, restockRefusalReason: shown });
      expect(ctx.events).to.deep.equal([{ type: 'return.restock_settled.v1', payload: { returnId: RET, orderId: ORDER, outcome, reason: shown } }]);
      expect(ctx.changes).to.have.length(1).and.to.have.nested.property('[0].details.restockOutcome', outcome);
    });
  }
});
