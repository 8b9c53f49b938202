import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { setupPlatform } from '../../../ops/cli/setup';
import { createKafka } from '../../../shared/kafka';
import { createLogger } from '../../../shared/logger';
import { dropProcessRoles, initORM, processRoleName } from '../../../shared/orm';
import { topicNames } from '../../../schemas/topics';
import { readTopic } from '../../support/commands';
import { createTenantKey, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';
import { saslConfig, saslListener } from '../../support/kafka-security';

/**
 * The whole command path with every process on its own least-privilege identities, as production
 * runs it: the gateway on Kafka user `gateway` (may write commands only) and database role
 * `<schema>_gateway`, no outbox relay; the orders worker on `worker-orders` and `<schema>_orders`.
 * The accepted command is applied, and both its audit records (`command.accepted`, written by the
 * gateway to the outbox; `command.succeeded`) reach the audit topic through the worker's relay.
 * A schema and topics of its own: its ACLs and row security name nothing another test uses.
 */
describe('platform on least privilege: SASL users per role, ACLs, database roles', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  let worker: RunningWorker;
  const run = randomBytes(3).toString('hex');
  const own = { DATABASE_SCHEMA: `lp_${run}`, KAFKA_TOPIC_PREFIX: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}lp-${run}.` };
  const topics = topicNames(own.KAFKA_TOPIC_PREFIX);

  before(async () => {
    const listener = await saslListener();
    await setupPlatform(testConfig({ ...own, ...saslConfig(listener, 'admin'), KAFKA_ACLS: 'true' }));
    const role = (r: 'gateway' | 'orders') => processRoleName(own.DATABASE_SCHEMA, r);
    gw = await startGateway({ ...own, ...saslConfig(listener, 'gateway'), DATABASE_ROLE: role('gateway') }, undefined, { relay: false });
    worker = await startWorker('orders', { ...own, ...saslConfig(listener, 'worker-orders'), DATABASE_ROLE: role('orders') });
  });
  after(async () => {
    await gw?.close();
    await worker?.close();
    const owner = await initORM(testConfig(own));
    await owner.em.getConnection().execute(`drop schema if exists "${own.DATABASE_SCHEMA}" cascade`);
    await dropProcessRoles(owner, own.DATABASE_SCHEMA);
    await owner.close(true);
  });

  it('accepts, applies and audits an order with nobody holding more than its role', async () => {
    // Creating the key is the gateway's own work under its role (its key.created audit row goes to the outbox too).
    const key = await createTenantKey(gw, 'tenant-least-privilege');
    const accepted = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .send({ customerId: 'c-lp', currency: 'EUR', items: [{ sku: 'SKU-LP', quantity: 1, unitPriceMinor: 100 }] });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const operationId = accepted.body.id as string;
    await waitFor('the operation succeeded', async () => {
      const op = await request(gw.url).get(`/v1/operations/${operationId}`).set('X-API-Key', key);
      return op.body.status === 'succeeded';
    });
    // Read as the broker's super user over PLAINTEXT: what the sink would consume.
    const admin = createKafka({ brokers: testConfig().KAFKA_BROKERS, clientId: 'test-lp-reader', requestTimeoutMs: 5000 }, createLogger('test', 'silent'));
    const actions = await waitFor('both audit records on the audit topic', async () => {
      const records = (await readTopic(admin, topics.audit)).filter((m) => m.headers['operation-id'] === operationId).map((m) => m.headers['event-type']);
      return records.includes('audit.command.accepted') && records.includes('audit.command.succeeded') ? records : undefined;
    });
    expect(actions.filter((a) => a === 'audit.command.accepted')).to.have.length(1);
  });
});
