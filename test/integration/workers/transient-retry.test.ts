import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../../shared/container';
import { runWorker, defineHandler, type Worker } from '../../../shared/worker';
import { DependencyUnavailableError } from '../../../shared/errors';
import { Operation } from '../../../shared/orm';
import { Order } from '../../../workers/orders/entities';
import { orderCreate } from '../../../workers/orders/handlers/order-create';
import { testConfig, waitFor } from '../../support/platform';
import { publishCommand } from '../../support/commands';

describe('worker: a transient failure pauses and retries, never skips; a dead-lettered command finishes its operation', function () {
  this.timeout(60_000);
  let deps: Deps;
  let worker: Worker;
  let failuresLeft = 3;

  before(async () => {
    deps = await createContainer(testConfig({ WORKER_RETRY_MAX_MS: '400' }), 'worker-orders');
    const flaky = defineHandler({
      command: 'order.create.v1',
      async handle(cmd, ctx) {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new DependencyUnavailableError('postgres', 'simulated outage');
        }
        return orderCreate.handle(cmd, ctx);
      },
    });
    worker = await runWorker(deps, { domain: 'orders', handlers: [flaky] });
  });
  after(async () => {
    await worker?.stop();
    await deps?.close();
  });

  it('retries the same message with backoff until it succeeds; the next message waits behind it', async () => {
    const key = randomUUID();
    const payload = {
      orderId: key,
      customerId: 'c',
      currency: 'EUR',
      items: [{ sku: 'A', quantity: 1, unitPriceMinor: 5 }],
      shippingAddress: null,
      billingAddress: null,
      notes: null,
    };
    const first = await publishCommand(deps, 'order.create.v1', payload, { tenantId: 'tenant-retry' });
    const second = await publishCommand(deps, 'order.transition.v1', { orderId: key, to: 'confirmed', reason: null }, { tenantId: 'tenant-retry' });
    await waitFor('first succeeded', async () => (await deps.orm.em.fork().findOne(Operation, { id: first }))?.status === 'succeeded', 30_000);
    expect(failuresLeft).to.equal(0);
    const retries = (await deps.metrics.workerRetries.get()).values.reduce((n, v) => n + v.value, 0);
    expect(retries).to.equal(3);
    expect(await deps.orm.em.fork().count(Order, { id: key })).to.equal(1);
    // order.transition.v1 has no handler in this worker: it goes to the DLQ, but only after the first succeeded.
    await waitFor('second handled', async () => (await deps.metrics.dlqMessages.get()).values.length > 0, 30_000);
    // …and its operation is finished, not left accepted for ever.
    const op = await waitFor(
      'dead-lettered operation failed',
      async () => {
        const row = await deps.orm.em.fork().findOne(Operation, { id: second });
        return row?.status === 'failed' ? row : null;
      },
      10_000,
    );
    expect(op.error).to.include({ status: 500, type: 'https://stateset.io/problems/dead-lettered', instance: `/v1/operations/${second}` });
  });
});
