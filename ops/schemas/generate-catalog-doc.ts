/**
 * Writes docs/CATALOG.md from schemas/catalog: every command (route, permission, topic, key,
 * schema), every event and every topic. `--check` fails when the committed file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { commands, events, DOMAINS, AUDIT_SCHEMA_FILE } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';
import { SchemaCodec } from '../../shared/registry/codec';

const t = topicNames('');
const out: string[] = [
  '# Message catalog',
  '',
  'Generated from `schemas/catalog/` by `npm run schemas:catalog`; do not edit by hand.',
  'Schema subjects follow `<topic>-<record full name>` (TopicRecordNameStrategy), BACKWARD compatible.',
  '',
  '## Commands',
  '',
  '| command type | HTTP route | permission | topic | key | Avro schema |',
  '| --- | --- | --- | --- | --- | --- |',
  ...commands.map(
    (c) =>
      `| \`${c.type}\` | \`${c.route.method.toUpperCase()} ${c.route.path}\` | \`${c.permission}\` | \`${t.commands(c.domain)}\` | \`${c.keyField}\` | [${path.basename(c.schemaFile)}](../schemas/${c.schemaFile}) |`,
  ),
  '',
  'Every command answers `202 Accepted` with `Location: /v1/operations/{id}`.',
  '',
  '## Events',
  '',
  '| event type | topic | key | `version` of | Avro schema | subject |',
  '| --- | --- | --- | --- | --- | --- |',
  ...events.map(
    (e) =>
      `| \`${e.type}\` | \`${t.events(e.domain)}\` | \`${e.keyField}\` | ${e.versionOf ?? '— (0)'} | [${path.basename(e.schemaFile)}](../schemas/${e.schemaFile}) | \`${SchemaCodec.subject(t.events(e.domain), e.schemaFile)}\` |`,
  ),
  '',
  '### Self-describing events',
  '',
  'Every event payload carries `tenantId` (the tenant of the resource, also in the `tenant-id` header) and `version`:',
  "the version of the resource named in the column above **after** the change the event reports. It is that row's",
  'optimistic-lock column, the same number `GET` answers as `version` and as its `ETag` (`"<version>"`). A resource is',
  'created at version 1 and every committed change adds exactly 1; several events of one change (`order.cancelled.v1`',
  'and `order.status_changed.v1`) carry the same version. `0` means the event changed no versioned row (`— (0)` above),',
  'or was written before the field existed (both fields have defaults, so older events still decode: BACKWARD).',
  '',
  'A consumer orders the events of one resource by `version` and detects a gap when a version is skipped, per resource',
  '(per `tenantId` + resource id; for `inventory.adjusted.v1` per `sku` + `locationId`). Two rules keep that exact:',
  '',
  '- Versions count changes of the row, not events: every event about a resource advances it, except that an',
  '  inventory balance also changes when stock is reserved or released, which `inventory.reserved.v1` and',
  "  `inventory.reservation_status_changed.v1` report under the reservation's version; a jump in the versions of",
  '  `inventory.adjusted.v1` is therefore expected and not a lost event.',
  "- The Kafka key keeps one aggregate's events in one partition in commit order, and an event is delivered at least",
  '  once: a version seen before is a duplicate (drop it; `event-id` names it too), a version past the next expected one',
  "  is a gap (wait, then re-read from the resource's `GET`, whose `version` says how far it went).",
  '',
  '## Topics',
  '',
  '| topic | carries |',
  '| --- | --- |',
  ...DOMAINS.flatMap((d) => [
    `| \`${t.commands(d)}\` | ${d} commands (Avro), keyed by aggregate id |`,
    `| \`${t.dlq(d)}\` | ${d} commands that could not be processed: original bytes + \`dlq-*\` headers |`,
    `| \`${t.events(d)}\` | ${d} events (Avro) |`,
  ]),
  `| \`${t.audit}\` | audit records ([${path.basename(AUDIT_SCHEMA_FILE)}](../schemas/${AUDIT_SCHEMA_FILE})) |`,
  '',
  "Headers on every message: `operation-id`, `command-type` or `event-type` (+ `event-id`), `tenant-id`, `principal`, `request-id`, `occurred-at`, `traceparent` when present; on commands also `command-signature` (the gateway's HMAC; workers refuse a command without a valid one).",
  '',
];
const content = out.join('\n');
const target = path.resolve(__dirname, '..', '..', 'docs', 'CATALOG.md');
if (process.argv.includes('--check')) {
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== content) {
    console.error('docs/CATALOG.md is stale: run `npm run schemas:catalog`');
    process.exit(1);
  }
  console.log('docs/CATALOG.md is up to date');
} else {
  fs.writeFileSync(target, content);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
