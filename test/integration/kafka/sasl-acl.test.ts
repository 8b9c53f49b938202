import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Consumer, type Kafka } from 'kafkajs';
import { setupPlatform } from '../../../ops/cli/setup';
import { createKafka, kafkaOptions } from '../../../shared/kafka';
import { createLogger } from '../../../shared/logger';
import { workerGroupId } from '../../../shared/worker';
import { topicNames, type TopicNames } from '../../../schemas/topics';
import { testConfig } from '../../support/platform';
import { errorTrail, saslConfig, saslListener, type SaslListener } from '../../support/kafka-security';

/**
 * The real broker's SASL_SSL listener (ops/infra/kafka.sh): TLS verified against the test CA,
 * SCRAM-SHA-512 users per role, and the ACLs `stateset setup` creates (shared/kafka/acl-plan.ts).
 * Topics of their own (a prefix per run of this file), so the ACLs name nothing another test uses.
 */
describe('kafka: SASL_SSL and broker ACLs per role', function () {
  this.timeout(60_000);
  let listener: SaslListener;
  let prefix: string;
  let topics: TopicNames;
  const clients: { disconnect(): Promise<void> }[] = [];
  const logger = createLogger('test-kafka-sasl', 'silent');

  function kafkaAs(user: string, extra: Record<string, string> = {}): Kafka {
    return createKafka(kafkaOptions(testConfig({ ...saslConfig(listener, user), KAFKA_TOPIC_PREFIX: prefix, ...extra }), `test-${user}`), logger);
  }

  async function produce(kafka: Kafka, topic: string): Promise<void> {
    // The platform's producer settings (shared/kafka/publisher.ts): idempotent, acks=all.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    clients.push(producer);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `probe ${randomBytes(4).toString('hex')}` }] });
  }

  async function refusal(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      return errorTrail(err);
    }
    throw new Error('expected the broker to refuse');
  }

  /** Consumes `topic` in `groupId`; resolves with the first message's value, or rejects with the consumer's crash. */
  function consumeOne(kafka: Kafka, topic: string, groupId: string): { consumer: Consumer; first: Promise<string> } {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, retry: { retries: 0, restartOnFailure: async () => false } });
    clients.push(consumer);
    const first = new Promise<string>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
      })().catch(reject);
    });
    return { consumer, first };
  }

  before(async function () {
    this.timeout(120_000);
    listener = await saslListener();
    prefix = `${process.env.KAFKA_TOPIC_PREFIX ?? ''}sasl-${randomBytes(3).toString('hex')}.`;
    topics = topicNames(prefix);
    // `stateset setup` as the admin user, over SASL_SSL: topics and the ACL plan.
    const report = await setupPlatform(testConfig({ ...saslConfig(listener, 'admin'), KAFKA_TOPIC_PREFIX: prefix, KAFKA_ACLS: 'true' }));
    expect(report.topicsCreated).to.include(topics.audit);
    expect(report.acls?.created).to.equal(report.acls?.planned).and.be.greaterThan(0);
  });

  after(async () => {
    await Promise.allSettled(clients.map((c) => c.disconnect()));
  });

  it('setup is idempotent: a second run creates no ACL', async () => {
    const report = await setupPlatform(testConfig({ ...saslConfig(listener, 'admin'), KAFKA_TOPIC_PREFIX: prefix, KAFKA_ACLS: 'true' }));
    expect(report.acls).to.deep.include({ created: 0 });
    expect(report.topicsCreated).to.deep.equal([]);
  });

  it('the gateway writes commands, but cannot write stateset.audit or read a command topic', async () => {
    const gateway = kafkaAs('gateway');
    await produce(gateway, topics.commands('orders'));
    expect(await refusal(produce(gateway, topics.audit))).to.include('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(produce(gateway, topics.events('orders')))).to.include('TOPIC_AUTHORIZATION_FAILED');
    // A group it may use (granted here only), so the refusal shown is the topic READ, not the group.
    const group = `${prefix}probe.gateway`;
    const admin = kafkaAs('admin').admin();
    clients.push(admin);
    await admin.connect();
    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.GROUP,
          resourceName: group,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: 'User:gateway',
          host: '*',
          operation: AclOperationTypes.READ,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
    const { first } = consumeOne(gateway, topics.commands('orders'), group);
    expect(await refusal(first)).to.include('TOPIC_AUTHORIZATION_FAILED');
    // And in a worker's group: refused at the group already (FindCoordinator answers
    // GROUP_AUTHORIZATION_FAILED; kafkajs 2.2.4 reports it as "failed to find group coordinator").
    const { first: noGroup } = consumeOne(gateway, topics.commands('orders'), workerGroupId(prefix, 'orders'));
    expect(await refusal(noGroup)).to.match(/GROUP_AUTHORIZATION_FAILED|KafkaJSGroupCoordinatorNotFound/);
  });

  it('a worker reads its commands and writes its events, the outbox topics and its DLQ, but cannot produce commands', async () => {
    const gateway = kafkaAs('gateway');
    await produce(gateway, topics.commands('inventory'));
    const worker = kafkaAs('worker-inventory');
    const own = consumeOne(worker, topics.commands('inventory'), workerGroupId(prefix, 'inventory'));
    expect(await own.first).to.match(/^probe /);
    await own.consumer.disconnect();
    await produce(worker, topics.events('inventory'));
    await produce(worker, topics.audit);
    await produce(worker, topics.dlq('inventory'));
    expect(await refusal(produce(worker, topics.commands('inventory')))).to.include('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(produce(worker, topics.commands('orders')))).to.include('TOPIC_AUTHORIZATION_FAILED');
    // Another domain's commands are not its to read.
    const { first: other } = consumeOne(worker, topics.commands('orders'), workerGroupId(prefix, 'inventory'));
    expect(await refusal(other)).to.include('TOPIC_AUTHORIZATION_FAILED');
  });

  it('the audit sink reads the audit topic and writes nothing; a downstream consumer reads events only', async () => {
    await produce(kafkaAs('worker-orders'), topics.audit);
    const sink = kafkaAs('audit-sink');
    const { first } = consumeOne(sink, topics.audit, `${prefix}stateset.audit-sink`);
    expect(await first).to.match(/^probe /);
    // It may write no topic at all, so its idempotent producer is already refused a producer id.
    expect(await refusal(produce(sink, topics.audit))).to.include('CLUSTER_AUTHORIZATION_FAILED');
    const consumer = kafkaAs('consumer');
    const { first: denied } = consumeOne(consumer, topics.commands('orders'), `${prefix}stateset.downstream.probe`);
    expect(await refusal(denied)).to.include('TOPIC_AUTHORIZATION_FAILED');
  });

  it('a wrong password is refused at authentication', async () => {
    const admin = kafkaAs('gateway', { KAFKA_SASL_PASSWORD: 'not-the-password-0000' }).admin();
    clients.push(admin);
    expect(await refusal(admin.connect())).to.match(/SASL|[Aa]uthentication/);
  });

  it('a broker certificate from another CA is refused (TLS is verified)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'other-ca-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=Another CA',
          '-keyout',
          path.join(dir, 'ca.key'),
          '-out',
          path.join(dir, 'ca.pem'),
        ],
        { stdio: 'ignore' },
      );
      const admin = kafkaAs('admin', { KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem') }).admin();
      clients.push(admin);
      expect(await refusal(admin.connect())).to.match(/self[- ]signed|unable to verify|UNABLE_TO_VERIFY|SELF_SIGNED|certificate/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
