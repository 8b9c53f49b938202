import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Parser, DiagnosticSeverity, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import avro from 'avsc';
import { parse as parseYaml, stringify } from 'yaml';
import { commands, events, DOMAINS, AUDIT_SCHEMA_FILE } from '../../schemas/catalog';
import { topicNames } from '../../schemas/topics';
import { loadAvsc } from '../../schemas/load';
import { HEADER_CATALOG } from '../../shared/kafka/header-catalog';
import { buildAsyncApi } from '../../ops/schemas/asyncapi';

const FILE = path.resolve(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

describe('docs/asyncapi.yaml (AsyncAPI 3, generated from the catalog)', function () {
  this.timeout(60_000);
  const text = fs.readFileSync(FILE, 'utf8');
  let doc: AsyncAPIDocumentInterface;

  before(async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document, diagnostics } = await parser.parse(text, { source: FILE });
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).to.deep.equal([]);
    expect(document, 'the parser returned no document').to.not.equal(undefined);
    doc = document!;
  });

  it('is what the generator writes now (npm run schemas:asyncapi)', () => {
    expect(parseYaml(text)).to.deep.equal(parseYaml(stringify(buildAsyncApi())));
  });

  // The parser checks Avro payloads only in AsyncAPI 2 documents; for 3 it converts them unchecked.
  it('inlines every Avro schema exactly as its .avsc file, and each is valid Avro', () => {
    const schemas = (parseYaml(text) as { components: { schemas: Record<string, { schemaFormat?: string; schema?: unknown }> } }).components.schemas;
    const files = [...commands.map((c) => c.schemaFile), ...events.map((e) => e.schemaFile), AUDIT_SCHEMA_FILE];
    for (const file of files) {
      const avsc = loadAvsc(file);
      const inDoc = schemas[avsc.name];
      expect(inDoc?.schemaFormat, file).to.equal('application/vnd.apache.avro;version=1.9.0');
      expect(inDoc?.schema, file).to.deep.equal(avsc);
      expect(() => avro.Type.forSchema(inDoc!.schema as avro.Schema), file).not.to.throw();
    }
  });

  it('has a channel for every topic of the contract, with its address', () => {
    const t = topicNames('');
    const addresses = doc
      .channels()
      .all()
      .map((c) => c.address());
    const topics = [...DOMAINS.flatMap((d) => [t.commands(d), t.dlq(d), t.events(d)]), t.audit];
    expect([...addresses].sort()).to.deep.equal([...topics].sort());
  });

  it('describes every catalog command and event as a message on its topic, with its Avro schema and key', () => {
    const t = topicNames('');
    const expected = [
      ...commands.map((c) => ({ type: c.type, topic: t.commands(c.domain), file: c.schemaFile })),
      ...events.map((e) => ({ type: e.type, topic: t.events(e.domain), file: e.schemaFile })),
      { type: 'audit.record', topic: t.audit, file: AUDIT_SCHEMA_FILE },
    ];
    for (const m of expected) {
      const channel = doc
        .channels()
        .all()
        .find((c) => c.address() === m.topic);
      const message = channel
        ?.messages()
        .all()
        .find((x) => x.name() === m.type);
      expect(message, `${m.type} on ${m.topic}`).to.not.equal(undefined);
      expect(message!.schemaFormat(), m.type).to.match(/^application\/vnd\.apache\.avro/);
      const avsc = loadAvsc(m.file);
      // The Avro parser turns the schema into a JSON schema; every field of the .avsc is a property of it.
      expect(Object.keys(message!.payload()!.properties() ?? {}), m.type).to.have.members(avsc.fields.map((f) => (f as { name: string }).name));
      expect(message!.bindings().get('kafka')?.value<{ key?: unknown }>().key, `${m.type} key`).to.not.equal(undefined);
    }
  });

  it('gives every message the headers of its kind, and every header of the catalog appears', () => {
    const seen = new Set<string>();
    for (const m of doc.messages().all()) {
      const headers = Object.keys(m.headers()?.properties() ?? {});
      expect(headers, `${m.name()} headers`).to.include('operation-id');
      headers.forEach((h) => seen.add(h));
    }
    expect([...seen].sort()).to.deep.equal(Object.keys(HEADER_CATALOG).sort());
    const create = doc
      .messages()
      .all()
      .find((m) => m.name() === 'order.create.v1')!;
    expect(create.headers()!.required()).to.include.members(['command-signature', 'command-type', 'tenant-id', 'principal']);
  });

  it('says who sends and who receives each channel (the broker ACL plan)', () => {
    const ops = doc.operations().all();
    const on = (address: string, action: 'send' | 'receive') =>
      ops
        .filter(
          (o) =>
            o.action() === action &&
            o
              .channels()
              .all()
              .some((c) => c.address() === address),
        )
        .map((o) => o.id());
    expect(on('stateset.commands.orders', 'send')).to.deep.equal(['gatewaySendOrdersCommands']);
    expect(on('stateset.commands.orders', 'receive')).to.deep.equal(['workerOrdersReceiveOrdersCommands']);
    expect(on('stateset.audit', 'receive')).to.include.members(['auditSinkReceiveAudit', 'webhooksReceiveAudit']);
    expect(on('stateset.commands.orders.dlq', 'send')).to.deep.equal(['workerOrdersSendOrdersDeadLetters']);
    // The inventory worker reacts to order events: it receives exactly those it handles.
    const inventory = ops.find((o) => o.id() === 'workerInventoryReceiveOrdersEvents');
    expect(
      inventory
        ?.messages()
        .all()
        .map((m) => m.name()),
    ).to.include('order.created.v1');
    // Nobody but the gateway sends commands.
    for (const d of DOMAINS)
      expect(on(`stateset.commands.${d}`, 'send')).to.deep.equal(['gatewaySendOrdersCommands'.replace('Orders', d[0]!.toUpperCase() + d.slice(1))]);
  });
});
