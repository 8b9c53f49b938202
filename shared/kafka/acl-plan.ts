import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type DescribeAclResource, type Kafka } from 'kafkajs';
import { DOMAINS, type Domain } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';
import { ConfigError } from '../errors';

/** The platform's Kafka identities; each process connects as the SCRAM user of its role. */
export type KafkaRole = 'gateway' | `worker-${Domain}` | 'audit-sink' | 'webhooks' | 'consumer';

export const KAFKA_ROLES: readonly KafkaRole[] = ['gateway', ...DOMAINS.map((d) => `worker-${d}` as const), 'audit-sink', 'webhooks', 'consumer'];

export interface PlannedAcl {
  role: KafkaRole;
  /** `User:<name>` */
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  /** prefixed: every name starting with `name` (the downstream consumers' own group ids) */
  pattern: 'literal' | 'prefixed';
  operation: 'read' | 'write';
}

export interface AclPlanInput {
  topicPrefix: string;
  /** The domains whose events each domain worker consumes (its event handlers). */
  subscriptions: Record<Domain, readonly Domain[]>;
  workerGroupId(domain: Domain): string;
  auditSinkGroupId: string;
  webhookGroupId: string;
  /** Role → SCRAM user name, where it differs from the role name. */
  users?: Partial<Record<KafkaRole, string>>;
}

/** Group ids downstream consumers of the events must start with (after the topic prefix). */
export function downstreamGroupPrefix(topicPrefix: string): string {
  return `${topicPrefix}stateset.downstream.`;
}

/**
 * Allow-only ACLs, least privilege per role (READ and WRITE imply DESCRIBE on the broker; an
 * idempotent producer needs WRITE on some topic, not IDEMPOTENT_WRITE on the cluster, since
 * Kafka 3.0; nobody is transactional):
 * - gateway: WRITE on the command topics. Not the audit topic, not the events, no READ at all.
 * - worker-<domain>: READ its command topic and the event topics it handles, its consumer group;
 *   WRITE its dead-letter topic and the outbox topics (every event topic and the audit topic:
 *   the outbox relay of any process publishes any committed row, see shared/outbox/relay.ts).
 *   Never WRITE on a command topic.
 * - audit-sink: READ the audit topic and its consumer group. Writes nothing.
 * - webhooks (the dispatcher): READ the event topics, the audit topic (operation outcomes) and its
 *   consumer group. Writes nothing to Kafka (its audit records leave through the outbox).
 * - consumer (downstream): READ the event topics, groups under `<prefix>stateset.downstream.`.
 * Anything not listed is refused (the broker runs with allow.everyone.if.no.acl.found=false).
 */
export function aclPlan(input: AclPlanInput): PlannedAcl[] {
  const t = topicNames(input.topicPrefix);
  const plan: PlannedAcl[] = [];
  const add = (
    role: KafkaRole,
    resource: PlannedAcl['resource'],
    name: string,
    operation: PlannedAcl['operation'],
    pattern: PlannedAcl['pattern'] = 'literal',
  ) => plan.push({ role, principal: `User:${input.users?.[role] ?? role}`, resource, name, pattern, operation });

  for (const d of DOMAINS) add('gateway', 'topic', t.commands(d), 'write');
  for (const d of DOMAINS) {
    const role = `worker-${d}` as const;
    add(role, 'topic', t.commands(d), 'read');
    for (const e of input.subscriptions[d]) add(role, 'topic', t.events(e), 'read');
    add(role, 'group', input.workerGroupId(d), 'read');
    add(role, 'topic', t.dlq(d), 'write');
    for (const e of DOMAINS) add(role, 'topic', t.events(e), 'write');
    add(role, 'topic', t.audit, 'write');
  }
  add('audit-sink', 'topic', t.audit, 'read');
  add('audit-sink', 'group', input.auditSinkGroupId, 'read');
  for (const d of DOMAINS) add('webhooks', 'topic', t.events(d), 'read');
  add('webhooks', 'topic', t.audit, 'read');
  add('webhooks', 'group', input.webhookGroupId, 'read');
  for (const d of DOMAINS) add('consumer', 'topic', t.events(d), 'read');
  add('consumer', 'group', downstreamGroupPrefix(input.topicPrefix), 'read', 'prefixed');
  return plan;
}

/** `KAFKA_ACL_USERS` (`role=user,…`) → the user names of the plan's roles. */
export function parseAclUsers(entries: readonly string[]): Partial<Record<KafkaRole, string>> {
  const users: Partial<Record<KafkaRole, string>> = {};
  for (const entry of entries) {
    const [role, user, ...rest] = entry.split('=').map((s) => s.trim());
    if (!role || !user || rest.length > 0 || !(KAFKA_ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`KAFKA_ACL_USERS: "${entry}" is not role=user with a role of ${KAFKA_ROLES.join(', ')}`);
    }
    users[role as KafkaRole] = user;
  }
  return users;
}

export function toAclEntry(a: PlannedAcl): AclEntry {
  return {
    resourceType: a.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: a.name,
    resourcePatternType: a.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: a.principal,
    host: '*',
    operation: a.operation === 'read' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const key = (e: AclEntry) => [e.resourceType, e.resourceName, e.resourcePatternType, e.principal, e.host, e.operation, e.permissionType].join('|');

/**
 * Creates the plan's ACLs that the broker does not have yet (ACLs outside the plan are left
 * alone); returns how many were created. Needs a user allowed to alter the cluster (`admin`).
 */
export async function applyAclPlan(kafka: Kafka, plan: readonly PlannedAcl[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const have = new Set(
      existing.resources.flatMap((r: DescribeAclResource) =>
        r.acls.map((a) => key({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })),
      ),
    );
    const missing = plan.map(toAclEntry).filter((e) => !have.has(key(e)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    return missing.length;
  } finally {
    await admin.disconnect();
  }
}
