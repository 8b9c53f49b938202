import { expect } from 'chai';
import { aclPlan, KAFKA_ROLES, parseAclUsers, type PlannedAcl } from '../../../shared/kafka';
import { platformAclPlan } from '../../../ops/cli/setup';
import { loadConfig } from '../../../shared/config';
import { DOMAINS } from '../../../schemas/catalog';
import { topicNames } from '../../../schemas/topics';
import { ConfigError } from '../../../shared/errors';

const PREFIX = 'p.';
const t = topicNames(PREFIX);
const plan = platformAclPlan(loadConfig({ NODE_ENV: 'test', KAFKA_TOPIC_PREFIX: PREFIX }));
const of = (role: string, op: PlannedAcl['operation']) =>
  plan
    .filter((a) => a.role === role && a.operation === op)
    .map((a) => a.name)
    .sort();
const commandTopics = DOMAINS.map((d) => t.commands(d));

describe('kafka ACL plan (least privilege per role)', () => {
  it('the gateway writes exactly the command topics and reads nothing', () => {
    expect(of('gateway', 'write')).to.deep.equal([...commandTopics].sort());
    expect(of('gateway', 'read')).to.deep.equal([]);
  });

  it('no worker, sink or consumer may write a command topic; only the workers write the audit topic', () => {
    const writers = plan.filter((a) => a.operation === 'write' && commandTopics.includes(a.name)).map((a) => a.role);
    expect([...new Set(writers)]).to.deep.equal(['gateway']);
    const auditWriters = plan.filter((a) => a.operation === 'write' && a.name === t.audit).map((a) => a.role);
    expect(auditWriters.sort()).to.deep.equal(DOMAINS.map((d) => `worker-${d}`).sort());
    expect(of('audit-sink', 'write')).to.deep.equal([]);
    expect(of('consumer', 'write')).to.deep.equal([]);
  });

  it('a worker reads its own commands only, the events its handlers consume, and its group', () => {
    expect(of('worker-inventory', 'read')).to.include.members([t.commands('inventory'), `${PREFIX}stateset.worker.inventory`, t.events('orders')]);
    for (const d of DOMAINS) {
      const reads = of(`worker-${d}`, 'read');
      expect(reads.filter((n) => commandTopics.includes(n))).to.deep.equal([t.commands(d)]);
      expect(of(`worker-${d}`, 'write')).to.include.members([t.dlq(d), t.events(d), t.audit]);
    }
  });

  it('the audit sink reads the audit topic and its group; a downstream consumer reads events under a group prefix', () => {
    expect(of('audit-sink', 'read')).to.deep.equal([t.audit, `${PREFIX}stateset.audit-sink`].sort());
    const group = plan.find((a) => a.role === 'consumer' && a.resource === 'group');
    expect(group).to.deep.include({ name: `${PREFIX}stateset.downstream.`, pattern: 'prefixed' });
    expect(of('consumer', 'read').filter((n) => n.includes('.commands.') || n === t.audit)).to.deep.equal([]);
  });

  it('names the principals after the roles unless KAFKA_ACL_USERS maps them; a bad mapping is refused', () => {
    expect(plan.every((a) => a.principal === `User:${a.role}`)).to.equal(true);
    const users = parseAclUsers(['gateway=svc-gw']);
    const mapped = aclPlan({
      topicPrefix: '',
      subscriptions: { orders: [], inventory: [], returns: [], shipments: [], warranties: [] },
      workerGroupId: (d) => d,
      auditSinkGroupId: 'a',
      webhookGroupId: 'w',
      users,
    });
    expect(mapped.filter((a) => a.role === 'gateway').every((a) => a.principal === 'User:svc-gw')).to.equal(true);
    expect(() => parseAclUsers(['nobody=x'])).to.throw(ConfigError, /KAFKA_ACL_USERS/);
    expect(() => parseAclUsers(['gateway'])).to.throw(ConfigError);
    expect(KAFKA_ROLES).to.include('audit-sink');
  });
});
