import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../../shared/container';
import { runWorker, type Worker } from '../../../shared/worker';
import { testConfig, waitFor, workerOptions } from '../../support/platform';
import { committedOffset, effects, orderPayload, publishBatch } from './batch-support';

/**
 * A crash between the PostgreSQL commit and the Kafka offset commit: the batch is applied, its
 * offsets are not committed, and a fresh worker of the same group reads the batch again. The
 * inbox turns every second delivery into a no-op.
 */
describe('worker: crash after the transaction committed, before the offsets', function () {
  this.timeout(120_000);
  const tenantId = 'tenant-batch-crash';
  let depsA: Deps;
  let depsB: Deps;
  let a: Worker | undefined;
  let b: Worker | undefined;
  let crashes = 0;

  before(async () => {
    depsA = await createContainer(testConfig(), 'worker-orders');
    depsB = await createContainer(testConfig(), 'worker-orders');
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await depsA?.close();
    await depsB?.close();
  });

  const count = async (deps: Deps, outcome: string) =>
    (await deps.metrics.workerCommands.get()).values.filter((v) => v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0);

  it('a fresh worker re-reads the batch and applies nothing twice', async () => {
    // Worker A "crashes" every time between the commit of a transaction and the commit of its offsets.
    a = await runWorker(depsA, {
      domain: 'orders',
      handlers: workerOptions('orders', depsA.config).handlers,
      hooks: {
        beforeOffsetCommit: () => {
          crashes++;
          throw new Error('simulated crash before the offset commit');
        },
      },
    });
    const orderIds = Array.from({ length: 40 }, () => randomUUID());
    const pub = await publishBatch(
      depsA,
      'orders',
      randomUUID(),
      orderIds.map((id) => ({ type: 'order.create.v1', payload: orderPayload(id) })),
      tenantId,
    );
    const end = Number(pub.offsets.at(-1)) + 1;

    await waitFor(
      'A applied the batch',
      async () => {
        const e = await effects(depsA, pub.operationIds, orderIds);
        return pub.operationIds.every((op) => e.status.get(op) === 'succeeded');
      },
      60_000,
    );
    expect(crashes).to.be.greaterThan(0);
    await a.stop();
    a = undefined;
    expect(await committedOffset(depsA, 'orders', pub.partition), 'A committed no offset past the batch').to.be.lessThan(end);
    expect(await count(depsA, 'succeeded')).to.be.at.least(40);

    // Worker B, same group, no crash: reads the batch again from the last committed offset.
    b = await runWorker(depsB, { domain: 'orders', handlers: workerOptions('orders', depsB.config).handlers });
    await waitFor('B committed past the batch', async () => (await committedOffset(depsB, 'orders', pub.partition)) >= end, 60_000);
    expect(await count(depsB, 'duplicate'), 'B saw every command again').to.be.at.least(40);

    const e = await effects(depsB, pub.operationIds, orderIds);
    for (const [i, op] of pub.operationIds.entries()) {
      expect(e.status.get(op), `operation ${i}`).to.equal('succeeded');
      expect(e.inbox.get(op), `inbox row of ${i}`).to.equal(1);
      expect(e.succeededAudits.get(op), `one command.succeeded audit of ${i}`).to.equal(1);
      expect(e.orders.get(orderIds[i]!), `order row of ${i}`).to.equal(1);
      expect(e.created.get(orderIds[i]!), `one order.created event of ${i}`).to.equal(1);
    }
  });
});
