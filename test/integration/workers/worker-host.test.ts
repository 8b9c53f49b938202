import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../../shared/container';
import { defineHandler, startWorkerHost, type WorkerHost } from '../../../shared/worker';
import { DependencyUnavailableError } from '../../../shared/errors';
import { Operation } from '../../../shared/orm';
import { DOMAIN_WORKERS } from '../../../workers/domains';
import { testConfig, waitFor } from '../../support/platform';
import { publishCommand } from '../../support/commands';

/** Several domains in one process: one container, one consumer group each, independent partitions. */
describe('worker host: several domains in one process', function () {
  this.timeout(60_000);
  let deps: Deps;
  let host: WorkerHost;
  let ordersAttempts = 0;

  before(async () => {
    deps = await createContainer(testConfig({ WORKER_RETRY_MAX_MS: '300', OUTBOX_POLL_MS: '50' }), 'worker');
    // The orders domain's only handler fails as if its dependency were down: it retries in line, forever.
    const stuck = defineHandler({
      command: 'order.create.v1',
      async handle() {
        ordersAttempts++;
        throw new DependencyUnavailableError('postgres', 'simulated outage of the orders domain');
      },
    });
    host = await startWorkerHost(deps, [{ domain: 'orders', options: () => ({ handlers: [stuck] }) }, DOMAIN_WORKERS.inventory]);
  });
  after(async () => {
    await host?.stop();
    await deps?.close();
  });

  it('one consumer group per domain, one relay for the process', () => {
    expect(host.workers.map((w) => w.topic)).to.deep.equal([deps.topics.commands('orders'), deps.topics.commands('inventory')]);
  });

  it("a domain whose handler keeps failing stalls only its own partitions; another domain's commands are applied", async () => {
    const stuckOp = await publishCommand(
      deps,
      'order.create.v1',
      {
        orderId: randomUUID(),
        customerId: 'c',
        currency: 'EUR',
        items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1 }],
        shippingAddress: null,
        billingAddress: null,
        notes: null,
      },
      { tenantId: 'tenant-host' },
    );
    await waitFor('orders retrying', async () => ordersAttempts >= 2, 20_000);
    const items = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        publishCommand(
          deps,
          'inventory.item.create.v1',
          { sku: `H-${i}-${randomUUID().slice(0, 8)}`, name: `item ${i}`, description: null },
          { tenantId: 'tenant-host' },
        ),
      ),
    );
    for (const id of items) {
      await waitFor(`inventory operation ${id}`, async () => (await deps.orm.em.fork().findOne(Operation, { id }))?.status === 'succeeded', 20_000);
    }
    expect(ordersAttempts, 'orders kept retrying meanwhile').to.be.at.least(2);
    expect(await deps.orm.em.fork().findOne(Operation, { id: stuckOp }), 'the failing command is never skipped').to.equal(null);
  });

  it('stop() drains every domain even while one is retrying', async () => {
    const t0 = Date.now();
    await host.stop();
    expect(Date.now() - t0).to.be.lessThan(30_000);
    host = { ...host, stop: async () => undefined };
  });
});
