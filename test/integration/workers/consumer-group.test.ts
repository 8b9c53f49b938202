import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startWorker, waitFor, type RunningWorker } from '../../support/platform';
import { publishCommand } from '../../support/commands';

const tenantId = 'tenant-group';

describe('two orders workers in one consumer group', function () {
  this.timeout(120_000);
  let a: RunningWorker;
  let b: RunningWorker;

  before(async () => {
    a = await startWorker('orders');
    b = await startWorker('orders');
    // Both members joined and partitions are spread before the commands arrive.
    await waitFor(
      'group balanced',
      async () => {
        const admin = a.deps.kafka.admin();
        await admin.connect();
        try {
          const groupId = `${a.deps.config.KAFKA_TOPIC_PREFIX}stateset.worker.orders`;
          const { groups } = await admin.describeGroups([groupId]);
          return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
        } finally {
          await admin.disconnect();
        }
      },
      60_000,
    );
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('share the partitions and process every command exactly once', async () => {
    const ops: string[] = [];
    for (let i = 0; i < 30; i++) {
      ops.push(
        await publishCommand(
          a.deps,
          'order.create.v1',
          {
            orderId: randomUUID(),
            customerId: `c-${i}`,
            currency: 'EUR',
            items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1 }],
            shippingAddress: null,
            billingAddress: null,
            notes: null,
          },
          { tenantId },
        ),
      );
    }
    const conn = a.deps.orm.em.fork().getConnection();
    await waitFor(
      'all 30 succeeded',
      async () => {
        const [r] = await conn.execute<{ n: string }[]>(`select count(*) as n from operations where id = any(?::uuid[]) and status = 'succeeded'`, [
          `{${ops.join(',')}}`,
        ]);
        return Number(r!.n) === 30;
      },
      60_000,
    );
    const processed = async (w: RunningWorker) =>
      (await w.deps.metrics.workerCommands.get()).values.filter((v) => v.labels.outcome === 'succeeded').reduce((n, v) => n + v.value, 0);
    const [na, nb] = [await processed(a), await processed(b)];
    expect(na + nb, 'each command handled once across the group').to.equal(30);
    expect(na, 'worker a got a share').to.be.greaterThan(0);
    expect(nb, 'worker b got a share').to.be.greaterThan(0);
    const [inbox] = await conn.execute<{ n: string }[]>(`select count(*) as n from inbox where message_id = any(?::uuid[])`, [`{${ops.join(',')}}`]);
    expect(Number(inbox!.n)).to.equal(30);
  });
});
