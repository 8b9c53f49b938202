/**
 * The AsyncAPI 3 description of the Kafka contract, built from what the processes themselves use:
 * the catalog (commands, events, key fields, schema files), the topic plan, the header catalog, the
 * .avsc files (inlined as Avro 1.9.0 schemas) and the broker ACL plan (who sends and who receives
 * what, per role). ops/schemas/generate-asyncapi.ts writes it to docs/asyncapi.yaml.
 */
import { commands, events, DOMAINS, AUDIT_SCHEMA_FILE, findEvent, type CommandDefinition, type Domain, type EventDefinition } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';
import { loadAvsc } from '../../schemas/load';
import { SchemaCodec } from '../../shared/registry/codec';
import { plannedTopics } from '../../shared/kafka/provision';
import { headersOf, type MessageKind } from '../../shared/kafka/header-catalog';
import type { KafkaRole, PlannedAcl } from '../../shared/kafka/acl-plan';
import { platformAclPlan } from '../cli/setup';
import { DOMAIN_WORKERS } from '../../workers/domains';
import { loadConfig, type Config } from '../../shared/config';

const AVRO = 'application/vnd.apache.avro;version=1.9.0';
const KAFKA_BINDING = '0.5.0';

type Json = Record<string, unknown>;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w : capital(w)))
    .join('');

const channelId = {
  commands: (d: Domain) => `${d}Commands`,
  dlq: (d: Domain) => `${d}DeadLetters`,
  events: (d: Domain) => `${d}Events`,
  audit: 'audit',
};

const HEADER_SCHEMA: Record<MessageKind, string> = {
  command: 'CommandHeaders',
  event: 'EventHeaders',
  audit: 'AuditHeaders',
  dlq: 'DeadLetterHeaders',
};

function headerSchema(kind: MessageKind): Json {
  // A dead letter keeps whatever headers the original had (a command's, when it was one) and adds its own.
  const headers = kind === 'dlq' ? [...headersOf('command'), ...headersOf('dlq')] : headersOf(kind);
  const properties = Object.fromEntries(
    headers.map(([name, doc]) => [
      name,
      { type: 'string', ...(doc.format ? { format: doc.format } : {}), description: doc.description, examples: [doc.example] },
    ]),
  );
  const required = headers.filter(([, doc]) => doc.on[kind] === 'required').map(([name]) => name);
  return {
    type: 'object',
    ...(kind === 'dlq' ? { description: "The original message's headers, unchanged and not checked (it may lack some), plus the `dlq-*` headers." } : {}),
    required,
    properties,
    additionalProperties: { type: 'string' },
  };
}

function avroPayload(schemaFile: string): Json {
  return { schemaFormat: AVRO, schema: loadAvsc(schemaFile) };
}

function messageBindings(key: Json): Json {
  return {
    kafka: {
      key,
      schemaIdLocation: 'payload',
      schemaIdPayloadEncoding: 'confluent',
      schemaLookupStrategy: 'TopicRecordNameStrategy',
      bindingVersion: KAFKA_BINDING,
    },
  };
}

const keyOf = (field: string, what: string): Json => ({
  type: 'string',
  description: `\`${field}\` of the payload (${what}): one aggregate's messages stay in one partition, in order.`,
});

function commandMessage(c: CommandDefinition, topic: string): Json {
  return {
    name: c.type,
    title: c.type,
    summary: c.summary,
    description: `Published by the gateway for \`${c.route.method.toUpperCase()} ${c.route.path}\` (permission \`${c.permission}\`) once the request is valid and authorized; the HTTP answer (202 + Location) is sent only after the broker acknowledged it. Applied by the ${c.domain} worker. Registry subject \`${SchemaCodec.subject(topic, c.schemaFile)}\`; Avro schema \`schemas/${c.schemaFile}\`.`,
    contentType: 'avro/binary',
    headers: { $ref: `#/components/schemas/${HEADER_SCHEMA.command}` },
    payload: { $ref: `#/components/schemas/${schemaId(c.schemaFile)}` },
    correlationId: { description: 'The operation of the command (GET /v1/operations/{id}).', location: '$message.header#/operation-id' },
    bindings: messageBindings(keyOf(c.keyField, `the ${c.resourceType}`)),
    'x-command-type': c.type,
    'x-http-route': `${c.route.method.toUpperCase()} ${c.route.path}`,
    'x-permission': c.permission,
  };
}

function eventMessage(e: EventDefinition, topic: string): Json {
  return {
    name: e.type,
    title: e.type,
    summary: `A ${e.domain} event${e.versionOf ? `; its \`version\` is that of ${e.versionOf} after the change` : ''}.`,
    description: `Written to the outbox in the transaction of the change and published by an outbox relay after commit, at least once (deduplicate by \`event-id\`). The payload carries \`tenantId\` and \`version\` (docs/CATALOG.md, "Self-describing events"). Registry subject \`${SchemaCodec.subject(topic, e.schemaFile)}\`; Avro schema \`schemas/${e.schemaFile}\`.`,
    contentType: 'avro/binary',
    headers: { $ref: `#/components/schemas/${HEADER_SCHEMA.event}` },
    payload: { $ref: `#/components/schemas/${schemaId(e.schemaFile)}` },
    correlationId: { description: 'The operation that caused the event.', location: '$message.header#/operation-id' },
    bindings: messageBindings(keyOf(e.keyField, 'the aggregate')),
    'x-event-type': e.type,
  };
}

function auditMessage(topic: string): Json {
  return {
    name: 'audit.record',
    title: 'Audit record',
    summary:
      'One audit record: a command accepted, applied, failed or refused, an authentication or authorization failure, an API-key, webhook or admin action.',
    description: `Written to the outbox with what it records and published by an outbox relay; the audit sink appends it to the WORM store (hash chain, sealed segments, signed checkpoints) and \`stateset audit verify\` proves the store. \`event-type\` is \`audit.<action>\`. Registry subject \`${SchemaCodec.subject(topic, AUDIT_SCHEMA_FILE)}\`; Avro schema \`schemas/${AUDIT_SCHEMA_FILE}\`.`,
    contentType: 'avro/binary',
    headers: { $ref: `#/components/schemas/${HEADER_SCHEMA.audit}` },
    payload: { $ref: `#/components/schemas/${schemaId(AUDIT_SCHEMA_FILE)}` },
    correlationId: { description: 'The operation the record is about, when there is one.', location: '$message.header#/operation-id' },
    bindings: messageBindings({
      type: 'string',
      description: "The record's `tenantId`, or its `eventId` when it has no tenant: one tenant's records stay in order.",
    }),
  };
}

function deadLetterMessage(d: Domain): Json {
  return {
    name: `${d}.dead_letter`,
    title: `Dead-lettered ${d} command`,
    summary: `A message of \`stateset.commands.${d}\` the ${d} worker could not apply: undecodable, without the contract headers, unsigned or forged, or of an unknown type.`,
    description:
      'The original value and key, byte for byte, with the original headers and `dlq-*` headers saying why and where it came from. Its operation (when it names a real one) ends `failed` with a dead-lettered problem; a forged command finishes no operation. `stateset dlq` lists and replays them.',
    contentType: 'application/octet-stream',
    headers: { $ref: `#/components/schemas/${HEADER_SCHEMA.dlq}` },
    payload: { type: 'string', format: 'binary', description: 'The original message value, unchanged (normally Avro in the Confluent framing).' },
    bindings: { kafka: { key: { type: 'string', description: "The original message's key." }, bindingVersion: KAFKA_BINDING } },
  };
}

/** `commands/orders/OrderCreate.avsc` → `OrderCreate` (record names are unique across the tree). */
function schemaId(schemaFile: string): string {
  return loadAvsc(schemaFile).name;
}

const ROLE_TITLE: Record<string, string> = {
  gateway: 'The HTTP gateway',
  'audit-sink': 'The audit sink',
  webhooks: 'The webhook dispatcher',
  consumer: 'A downstream consumer',
};
const roleTitle = (role: KafkaRole) => ROLE_TITLE[role] ?? `The ${role.replace(/^worker-/, '')} worker`;

const WHY: Partial<Record<string, string>> = {
  'worker:events:send': 'Every worker process runs an outbox relay, and a relay publishes any committed row, whichever domain wrote it.',
  'worker:audit:send': "Audit records leave through the outbox too, the gateway's included.",
};

export function buildAsyncApi(config: Config = loadConfig({ NODE_ENV: 'test' })): Json {
  const t = topicNames('');
  const plan = plannedTopics('', { commands: config.KAFKA_PARTITIONS_COMMANDS, events: config.KAFKA_PARTITIONS_EVENTS, audit: config.KAFKA_PARTITIONS_AUDIT });
  const partitions = new Map(plan.map((p) => [p.topic, p.numPartitions]));
  const channelBindings = (topic: string): Json => ({
    kafka: { topic, partitions: partitions.get(topic), replicas: config.KAFKA_REPLICATION_FACTOR, bindingVersion: KAFKA_BINDING },
  });

  const messages: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  for (const kind of Object.keys(HEADER_SCHEMA) as MessageKind[]) schemas[HEADER_SCHEMA[kind]] = headerSchema(kind);
  const addSchema = (file: string) => {
    schemas[schemaId(file)] = avroPayload(file);
  };

  const channels: Record<string, Json> = {};
  const channelOfTopic = new Map<string, string>();
  const addChannel = (id: string, topic: string, title: string, description: string, ids: string[]) => {
    channelOfTopic.set(topic, id);
    channels[id] = {
      address: topic,
      title,
      description: `${description} Every name is prefixed with \`KAFKA_TOPIC_PREFIX\` (empty by default). Created by \`stateset setup\`; broker auto-creation is off.`,
      messages: Object.fromEntries(ids.map((m) => [m, { $ref: `#/components/messages/${m}` }])),
      bindings: channelBindings(topic),
    };
  };

  for (const d of DOMAINS) {
    const domainCommands = commands.filter((c) => c.domain === d);
    for (const c of domainCommands) {
      messages[c.type] = commandMessage(c, t.commands(d));
      addSchema(c.schemaFile);
    }
    addChannel(
      channelId.commands(d),
      t.commands(d),
      `${capital(d)} commands`,
      `The ${d} commands, signed by the gateway, keyed by aggregate id.`,
      domainCommands.map((c) => c.type),
    );

    const dlq = `${d}.dead_letter`;
    messages[dlq] = deadLetterMessage(d);
    addChannel(channelId.dlq(d), t.dlq(d), `${capital(d)} dead letters`, `The ${d} commands that could not be applied, with \`dlq-*\` headers.`, [dlq]);

    const domainEvents = events.filter((e) => e.domain === d);
    for (const e of domainEvents) {
      messages[e.type] = eventMessage(e, t.events(d));
      addSchema(e.schemaFile);
    }
    addChannel(
      channelId.events(d),
      t.events(d),
      `${capital(d)} events`,
      `What happened in the ${d} domain, in commit order per aggregate.`,
      domainEvents.map((e) => e.type),
    );
  }
  messages['audit.record'] = auditMessage(t.audit);
  addSchema(AUDIT_SCHEMA_FILE);
  addChannel(channelId.audit, t.audit, 'Audit trail', 'Every audit record of the platform, on its way to the WORM store.', ['audit.record']);

  // Who may do what on the broker (the ACLs `stateset setup` creates): one operation per role, topic and action.
  const acls = platformAclPlan(config);
  const groupOf = (role: KafkaRole) => acls.find((a) => a.role === role && a.resource === 'group');
  const handled = (role: KafkaRole, channel: string): string[] | null => {
    if (!role.startsWith('worker-')) return null;
    const domain = role.slice('worker-'.length) as Domain;
    const types = (DOMAIN_WORKERS[domain].options(config).eventHandlers ?? []).map((h) => h.event as string);
    const inChannel = types.filter((type) => channelOfTopic.get(t.events(findEvent(type)!.domain)) === channel);
    return inChannel.length > 0 ? [...new Set(inChannel)] : null;
  };
  const operations: Record<string, Json> = {};
  for (const acl of acls.filter((a): a is PlannedAcl & { resource: 'topic' } => a.resource === 'topic')) {
    const channel = channelOfTopic.get(acl.name);
    if (!channel) throw new Error(`ACL plan names topic ${acl.name}, which is no channel`);
    const action = acl.operation === 'write' ? 'send' : 'receive';
    const kindOfChannel = channel.endsWith('Events') ? 'events' : channel === 'audit' ? 'audit' : 'other';
    const why = acl.role.startsWith('worker-') ? WHY[`worker:${kindOfChannel}:${action}`] : undefined;
    const only = action === 'receive' ? handled(acl.role, channel) : null;
    const ids = only ?? Object.keys(channels[channel]!.messages as Json);
    const group = action === 'receive' ? groupOf(acl.role) : undefined;
    operations[camel(`${acl.role} ${action} ${channel}`)] = {
      action,
      channel: { $ref: `#/channels/${channel}` },
      title: `${roleTitle(acl.role)} ${action === 'send' ? 'sends to' : 'receives from'} ${acl.name}`,
      summary: `Kafka role \`${acl.role}\` (SCRAM user of that name unless KAFKA_ACL_USERS says otherwise): ${acl.operation.toUpperCase()} on the topic.`,
      ...(why || only
        ? { description: [why, only ? 'Only the event types its reactions handle are applied; it skips the others.' : undefined].filter(Boolean).join(' ') }
        : {}),
      messages: ids.map((m) => ({ $ref: `#/channels/${channel}/messages/${m}` })),
      ...(group
        ? {
            bindings: {
              kafka: {
                groupId:
                  group.pattern === 'literal' ? { type: 'string', enum: [group.name] } : { type: 'string', pattern: `^${group.name.replace(/\./g, '\\.')}` },
                bindingVersion: KAFKA_BINDING,
              },
            },
          }
        : {}),
    };
  }

  return {
    asyncapi: '3.1.0',
    info: {
      title: 'StateSet Kafka contract',
      version: '1.0.0',
      description: [
        'Commands, events, audit records and dead letters of the StateSet platform: every topic, message key, header and Avro schema,',
        'and which process sends or receives what (the broker ACLs of `stateset setup`, one Kafka role per process).',
        '',
        'Values are Avro in the Confluent wire format (magic byte, 4-byte schema id, Avro binary), registered in a Confluent-compatible',
        'registry under `<topic>-<record full name>` (TopicRecordNameStrategy) with BACKWARD compatibility; the `.avsc` files under',
        '`schemas/` are the source of truth and are inlined here. Keys are the aggregate id as a UTF-8 string.',
        '',
        'Generated from `schemas/catalog/` by `npm run schemas:asyncapi`; `npm run schemas:check` fails when this file is stale.',
        'The same catalog as a table: docs/CATALOG.md; the HTTP API: GET /v1/openapi.json and /docs.',
      ].join('\n'),
      license: { name: 'Proprietary' },
    },
    defaultContentType: 'avro/binary',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The PLAINTEXT listener of the local broker (`ops/infra/kafka.sh`), for development; unauthenticated.',
        bindings: { kafka: { schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7', schemaRegistryVendor: 'apicurio', bindingVersion: KAFKA_BINDING } },
      },
      localSecure: {
        host: '127.0.0.1:9094',
        protocol: 'kafka-secure',
        description:
          'The SASL_SSL listener of the local broker: TLS (the test CA), SCRAM-SHA-512 with one user per role, allow-only ACLs. Production runs like this (KAFKA_SSL, KAFKA_SASL_*).',
        security: [{ $ref: '#/components/securitySchemes/scramSha512' }],
        bindings: { kafka: { schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7', schemaRegistryVendor: 'apicurio', bindingVersion: KAFKA_BINDING } },
      },
    },
    channels,
    operations,
    components: {
      messages,
      schemas,
      securitySchemes: {
        scramSha512: {
          type: 'scramSha512',
          description: 'One SCRAM user per Kafka role (gateway, worker-<domain>, audit-sink, webhooks, consumer); see README "Kafka security".',
        },
      },
    },
  };
}
