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
  '| event type | topic | key | Avro schema | subject |',
  '| --- | --- | --- | --- | --- |',
  ...events.map(
    (e) =>
      `| \`${e.type}\` | \`${t.events(e.domain)}\` | \`${e.keyField}\` | [${path.basename(e.schemaFile)}](../schemas/${e.schemaFile}) | \`${SchemaCodec.subject(t.events(e.domain), e.schemaFile)}\` |`,
  ),
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
