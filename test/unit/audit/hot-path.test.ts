import { expect } from 'chai';
import avro from 'avsc';
import fc from 'fast-check';
import { PoisonMessageError, DependencyUnavailableError } from '../../../shared/errors';
import { AUDIT_SCHEMA_FILE } from '../../../schemas/catalog';
import { loadAvsc } from '../../../schemas/load';
import { AvroDecoder } from '../../../workers/audit-sink/decoder';
import { MAX_ROWS_PER_INSERT, indexRow, writeIndex } from '../../../workers/audit-sink/audit-index';
import { canonicalJson, canonicalRecordText, normalizeRecord } from '../../../workers/audit-sink/store/canonical';
import { GENESIS_HASH, chainHash, chainHashOfText, recordLineOfText, recordLineText } from '../../../workers/audit-sink/store/chain';
import type { AuditEntry, AuditRecord } from '../../../workers/audit-sink/store/types';
import type { MikroORM } from '@mikro-orm/postgresql';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const nullable = fc.option(text, { nil: null });
const recordArb: fc.Arbitrary<AuditRecord> = fc.record({
  eventId: text.filter((s) => s.length > 0),
  occurredAt: text,
  tenantId: nullable,
  principal: nullable,
  action: text,
  resourceType: nullable,
  resourceId: nullable,
  outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
  requestId: nullable,
  operationId: nullable,
  sourceIp: nullable,
  userAgent: nullable,
  details: nullable,
});

describe('audit sink hot path', () => {
  it('the fast record and line encodings equal the canonical ones (property)', () => {
    fc.assert(
      fc.property(recordArb, fc.nat({ max: 2 ** 40 }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.nat({ max: 255 }), (r, seq, off, partition) => {
        const rec = normalizeRecord(r);
        const t = canonicalRecordText(rec);
        expect(t).to.equal(canonicalJson(rec));
        const offset = off.toString();
        const head = chainHashOfText(GENESIS_HASH, t, seq, offset);
        expect(head.equals(chainHash(GENESIS_HASH, rec, seq, offset))).to.equal(true);
        const hex = head.toString('hex');
        expect(recordLineOfText(hex, offset, partition, t, seq)).to.equal(recordLineText({ chainHash: hex, offset, partition, record: rec, seq }));
      }),
      { numRuns: 300 },
    );
  });

  describe('AvroDecoder', () => {
    const type = avro.Type.forSchema(loadAvsc(AUDIT_SCHEMA_FILE) as unknown as avro.Schema);
    const rec: AuditRecord = {
      eventId: '5b0c7a2e-0d7e-4a51-9d1f-0c1e2b3a4d5f',
      occurredAt: '2024-01-01T00:00:00.000Z',
      tenantId: 't',
      principal: null,
      action: 'auth.failed',
      resourceType: null,
      resourceId: null,
      outcome: 'denied',
      requestId: null,
      operationId: null,
      sourceIp: '192.0.2.1',
      userAgent: null,
      details: '{"reason":"missing"}',
    };
    const wire = (id: number, body: Buffer): Buffer => {
      const header = Buffer.alloc(5);
      header.writeUInt32BE(id, 1);
      return Buffer.concat([header, body]);
    };

    it('asks the registry once per schema id, then decodes every message synchronously', async () => {
      let calls = 0;
      const dec = new AvroDecoder({ getSchema: async () => (calls++, type) });
      const values = Array.from({ length: 500 }, () => wire(7, type.toBuffer(rec)));
      await dec.prepare(values);
      await dec.prepare(values);
      expect(calls).to.equal(1);
      for (const v of values) expect({ ...dec.decode(v) }).to.deep.equal(rec);
    });

    it('undecodable values and unknown ids are poison; an unreachable registry is retriable', async () => {
      const unknown = Object.assign(new Error('Schema not found'), { status: 404 });
      const dec = new AvroDecoder({
        getSchema: async (id) => {
          if (id === 9) throw unknown;
          return type;
        },
      });
      const good = wire(7, type.toBuffer(rec));
      const bad = [Buffer.from('garbage!'), wire(7, Buffer.from([1, 2, 3])), wire(9, type.toBuffer(rec)), null];
      await dec.prepare([good, ...bad]);
      for (const v of bad) expect(() => dec.decode(v)).to.throw(PoisonMessageError);
      const down = new AvroDecoder({
        getSchema: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        },
      });
      await expect(down.prepare([good])).to.be.rejectedWith(DependencyUnavailableError);
    });
  });

  describe('audit_events index', () => {
    const entry = (i: number, eventId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`): AuditEntry => ({
      partition: 0,
      offset: String(i),
      record: {
        eventId,
        occurredAt: '2024-01-01T00:00:00.000Z',
        tenantId: null,
        principal: null,
        action: 'a',
        resourceType: null,
        resourceId: null,
        outcome: 'success',
        requestId: null,
        operationId: 'not-a-uuid',
        sourceIp: null,
        userAgent: null,
        details: null,
      },
    });

    it('one statement with one parameter (the rows as JSON) per chunk, whatever its row count', async () => {
      expect(indexRow(entry(1))?.operation_id).to.equal(null); // an operationId that is not a UUID is not indexed as one
      expect(indexRow(entry(1, 'evt-1'))).to.equal(null);
      const sent: { sql: string; parameters: string[] }[] = [];
      const orm = {
        em: {
          getConnection: () => ({ getClient: () => ({ executeQuery: async (q: { sql: string; parameters: string[] }) => sent.push(q) }) }),
        },
      } as unknown as MikroORM;
      const entries = [...Array.from({ length: 25_000 }, (_, i) => entry(i)), entry(25_001, 'not-uuid')];
      const res = await writeIndex(orm, entries);
      expect(res).to.deep.equal({ statements: Math.ceil(25_000 / MAX_ROWS_PER_INSERT), rows: 25_000, skipped: 1 });
      expect(sent.every((q) => q.parameters.length === 1)).to.equal(true);
      const chunks = sent.map((q) => JSON.parse(q.parameters[0]!) as { kafka_offset: string; event_id: string }[]);
      expect(chunks.map((c) => c.length)).to.deep.equal([10_000, 10_000, 5_000]);
      expect(chunks[0]![3]).to.include({ kafka_offset: '3', event_id: entry(3).record.eventId });
      expect(sent[0]!.sql).to.match(
        /^insert into audit_events \(event_id,.*\) select event_id,.* from json_to_recordset\(\$1::json\) as r\(event_id uuid,.*kafka_offset bigint\) on conflict \(event_id\) do nothing$/,
      );
    });
  });
});
