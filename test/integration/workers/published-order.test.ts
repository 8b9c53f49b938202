import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { LockMode } from '@mikro-orm/core';
import { startWorker, waitFor, type RunningWorker } from '../../support/platform';
import { publishCommand } from '../../support/commands';
import { Operation } from '../../../shared/orm';
import { OutboxWriter } from '../../../shared/outbox';
import { buildContext } from '../../../shared/worker';
import { Order, PublishedOrder } from '../../../workers/orders/entities';
import { Return } from '../../../workers/returns/entities';
import { returnRequest } from '../../../workers/returns/handlers/return-request';
import { anOrder } from '../../support/factories';

const tenantId = 'tenant-published-order';

/**
 * The orders domain's read contract (published_orders()): returns, shipments and warranties read an
 * order in their own transaction and never lock or write it.
 */
describe('published order contract (real PostgreSQL, Kafka)', function () {
  this.timeout(60_000);
  let returns: RunningWorker;
  let other: pg.Client;

  before(async () => {
    returns = await startWorker('returns');
    const { config } = returns.deps;
    other = new pg.Client({ connectionString: config.DATABASE_URL, options: `-c search_path=${config.DATABASE_SCHEMA}` });
    await other.connect();
  });
  after(async () => {
    await other?.end();
    await returns?.close();
  });

  const deliveredOrder = async (): Promise<string> => {
    const id = randomUUID();
    await returns.deps.orm.em
      .fork()
      .insert(Order, anOrder({ id, tenantId, status: 'delivered', items: [{ sku: 'PO-1', quantity: 2, unitPriceMinor: 100 }], totalMinor: 200 }));
    return id;
  };
  const lockNowait = (orderId: string) => other.query('select id from orders where id = $1 for update nowait', [orderId]);

  it('reads an order, but asking for a lock through it locks nothing', async () => {
    const orderId = await deliveredOrder();
    await returns.deps.orm.em.fork().transactional(async (tx) => {
      const o = await tx.findOne(PublishedOrder, { id: orderId, tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      expect(o).to.deep.include({ id: orderId, tenantId, status: 'delivered', items: [{ sku: 'PO-1', quantity: 2, unitPriceMinor: 100 }] });
      // From another connection, while this transaction is open: the order row is free.
      await other.query('begin');
      try {
        expect((await lockNowait(orderId)).rowCount).to.equal(1);
      } finally {
        await other.query('rollback');
      }
      // A row lock would show as RowShareLock on the table; a plain read holds AccessShareLock only.
      const held = await tx.execute<{ mode: string }[]>(`select mode from pg_locks where pid = pg_backend_pid() and relation = 'orders'::regclass`);
      expect(held.map((l) => l.mode)).to.deep.equal(['AccessShareLock']);
    });
  });

  it('return.request of a delivered order succeeds while another connection holds the order row FOR UPDATE', async () => {
    const orderId = await deliveredOrder();
    await other.query('begin');
    try {
      await lockNowait(orderId);
      const op = await publishCommand(
        returns.deps,
        'return.request.v1',
        { returnId: randomUUID(), orderId, lines: [{ sku: 'PO-1', quantity: 1 }], reason: 'r' },
        { tenantId },
      );
      // A handler that locked the order would wait behind this transaction until the test timed out.
      const done = await waitFor('return requested', async () => {
        const row = await returns.deps.orm.em.fork().findOne(Operation, { id: op });
        return row?.status === 'succeeded' || row?.status === 'failed' ? row : null;
      });
      expect(done.status, JSON.stringify(done.error)).to.equal('succeeded');
    } finally {
      await other.query('rollback');
    }
  });

  it('two concurrent requests for the same quantity of one order: the second waits for the first and is refused', async () => {
    const orderId = await deliveredOrder();
    const { deps } = returns;
    let firstDone!: () => void;
    const firstHolds = new Promise<void>((r) => (firstDone = r));
    let release!: () => void;
    const commitFirst = new Promise<void>((r) => (release = r));
    const request = (returnId: string, hold?: Promise<void>) =>
      deps.orm.em.fork().transactional(async (tx) => {
        const env = {
          kind: 'command' as const,
          messageId: randomUUID(),
          operationId: randomUUID(),
          commandType: 'return.request.v1',
          tenantId,
          principal: 'test',
          requestId: 'r',
          occurredAt: new Date(),
        };
        const outbox = new OutboxWriter(tx.fork({ clear: true, keepTransactionContext: true }), deps.topics);
        await returnRequest.handle(
          { returnId, orderId, lines: [{ sku: 'PO-1', quantity: 2 }], reason: 'both' } as never,
          buildContext(deps, tx, outbox, env, { commandType: env.commandType }),
        );
        await tx.flush();
        if (hold) {
          firstDone();
          await hold;
        }
      });
    const a = randomUUID();
    const first = request(a, commitFirst);
    await firstHolds;
    const second = request(randomUUID()).then(
      () => 'succeeded',
      (err: unknown) => err,
    );
    // The second cannot finish while the first holds the returns lock of the order.
    const early = await Promise.race([second, new Promise((r) => setTimeout(() => r('waiting'), 500))]);
    expect(early).to.equal('waiting');
    release();
    await first;
    const outcome = await second;
    expect(outcome).to.be.instanceOf(Error).with.property('rule', 'return_quantity_exceeded');
    expect(await deps.orm.em.fork().count(Return, { orderId })).to.equal(1);
  });
});
