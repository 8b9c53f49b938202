import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startWorker, waitFor, type RunningWorker } from '../../support/platform';
import { publishCommand, readTopic } from '../../support/commands';
import { CommandSigner, type OutgoingMessage } from '../../../shared/kafka';
import { Operation, Outbox } from '../../../shared/orm';
import { Order } from '../../../workers/orders/entities';
import { anOperation } from '../../support/factories';

const orderPayload = (orderId: string) => ({
  orderId,
  customerId: 'c-forged',
  currency: 'EUR',
  items: [{ sku: 'A', quantity: 1, unitPriceMinor: 100 }],
  shippingAddress: null,
  billingAddress: null,
  notes: null,
});

/**
 * Whoever can produce to a command topic without the gateway's signing key: the worker applies
 * nothing, finishes none of the operations the command names (they belong to someone else), sends it
 * to the DLQ, counts it and records `command.forged`. A command signed with the previous key of a
 * rotation is still applied.
 */
describe('worker: forged commands are refused (real Kafka, registry, PostgreSQL)', function () {
  this.timeout(90_000);
  const current = 'k'.repeat(40);
  const previous = 'o'.repeat(40);
  let w: RunningWorker;

  before(async () => {
    w = await startWorker('orders', { COMMAND_SIGNING_KEY: current, COMMAND_SIGNING_KEY_PREVIOUS: previous });
  });
  after(async () => {
    await w?.close();
  });

  const op = (id: string) => w.deps.orm.em.fork().findOne(Operation, { id });

  async function forged(sign: (m: OutgoingMessage) => OutgoingMessage, victimTenant: string) {
    // Someone else's operation, still open: a forger must not be able to end it.
    const victim = anOperation({ tenantId: victimTenant, status: 'accepted', type: 'order.create.v1' });
    await w.deps.orm.em.fork().insert(Operation, victim);
    const orderId = randomUUID();
    await publishCommand(w.deps, 'order.create.v1', orderPayload(orderId), { tenantId: victimTenant, operationId: victim.id, sign });
    // Same key, right behind it: a properly signed command, so its success shows the forged one was passed.
    const next = await publishCommand(w.deps, 'order.create.v1', { ...orderPayload(orderId), orderId }, { tenantId: 'tenant-forged-ok' });
    return { victim, orderId, next };
  }

  for (const [name, sign] of [
    ['unsigned', (m: OutgoingMessage) => m],
    ['signed with a key the workers do not hold', (m: OutgoingMessage) => new CommandSigner('z'.repeat(40)).signMessage(m)],
    [
      'signed, then given another tenant',
      (m: OutgoingMessage) => {
        const signed = new CommandSigner(current).signMessage({ ...m, headers: { ...m.headers, 'tenant-id': 'tenant-attacker' } });
        return { ...signed, headers: { ...signed.headers, 'tenant-id': m.headers['tenant-id']! } };
      },
    ],
  ] as const) {
    it(`${name}: dead-lettered, nothing applied, the named operation untouched, counted and audited`, async () => {
      const before = (await w.deps.metrics.registry.getSingleMetric('stateset_forged_commands_total')!.get()).values.reduce((n, v) => n + v.value, 0);
      const victimTenant = `tenant-victim-${randomUUID().slice(0, 8)}`;
      const { victim, next } = await forged(sign, victimTenant);
      await waitFor('the signed command behind it applied', async () => (await op(next))?.status === 'succeeded');
      const dlq = await waitFor('the forged command in the DLQ', async () =>
        (await readTopic(w.deps.kafka, w.deps.topics.dlq('orders'))).find((m) => m.headers['operation-id'] === victim.id),
      );
      expect(dlq.headers['dlq-reason']).to.match(/forged command/);
      expect((await op(victim.id))?.status, 'the named operation is not finished by a forger').to.equal('accepted');
      expect(await w.deps.orm.em.fork().count(Order, { tenantId: victimTenant })).to.equal(0);
      const after = (await w.deps.metrics.registry.getSingleMetric('stateset_forged_commands_total')!.get()).values.reduce((n, v) => n + v.value, 0);
      expect(after).to.equal(before + 1);
      const audit = await waitFor('the command.forged audit record', async () => {
        const rows = await w.deps.orm.em.fork().find(Outbox, { topic: w.deps.topics.audit });
        return rows.find((r) => JSON.stringify(r.payload).includes(victim.id) && JSON.stringify(r.payload).includes('command.forged'));
      });
      const record = audit.payload as { tenantId: string | null; outcome: string; details: string };
      expect(record.outcome).to.equal('denied');
      expect(record.tenantId, 'a claimed tenant is not recorded as the actor').to.equal(null);
      expect(JSON.parse(record.details).claimedHeaders['tenant-id']).to.equal(victimTenant);
    });
  }

  it('a command signed with the previous key of a rotation is applied', async () => {
    const orderId = randomUUID();
    const id = await publishCommand(w.deps, 'order.create.v1', orderPayload(orderId), {
      tenantId: 'tenant-rotation',
      sign: (m) => new CommandSigner(previous).signMessage(m),
    });
    await waitFor('applied', async () => (await op(id))?.status === 'succeeded');
  });
});
