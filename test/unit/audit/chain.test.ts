import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { canonicalJson, normalizeRecord } from '../../../workers/audit-sink/store/canonical';
import { GENESIS_HASH, chainHash, encodeRecordLine, type RecordLine } from '../../../workers/audit-sink/store/chain';
import { parseSegment } from '../../../workers/audit-sink/store/segment-parse';
import type { AuditRecord } from '../../../workers/audit-sink/store/types';

function rec(i: number): AuditRecord {
  return {
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    occurredAt: '2024-01-01T00:00:00.000Z',
    tenantId: 't1',
    principal: 'api-key:abc',
    action: 'command.accepted',
    resourceType: 'order',
    resourceId: `o-${i}`,
    outcome: 'success',
    requestId: null,
    operationId: null,
    sourceIp: '10.0.0.1',
    userAgent: null,
    details: '{"x":1}',
  };
}

function segment(n: number, partition = 0): { buf: Buffer; heads: Buffer[] } {
  let prev = GENESIS_HASH;
  let text = '';
  const heads: Buffer[] = [];
  for (let i = 0; i < n; i += 1) {
    const offset = String(100 + i * 2);
    prev = chainHash(prev, rec(i), i, offset);
    heads.push(prev);
    const line: RecordLine = { chainHash: prev.toString('hex'), offset, partition, record: rec(i), seq: i };
    text += encodeRecordLine(line);
  }
  return { buf: Buffer.from(text), heads };
}

const ctx = { partition: 0, firstSeq: 0, prevChainHead: GENESIS_HASH, lastOffset: null };

describe('audit canonical JSON and chain', () => {
  it('canonical JSON sorts keys and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"y'], c: { z: 1, y: 2 } })).to.equal('{"a":[true,null,"x\\"y"],"b":1,"c":{"y":2,"z":1}}');
    expect(() => canonicalJson({ a: Number.NaN })).to.throw();
  });

  it('normalises records to the schema fields', () => {
    const r = normalizeRecord({ eventId: 'e', occurredAt: 't', action: 'a', outcome: 'denied', extra: 1 });
    expect(Object.keys(r)).to.have.length(13);
    expect(r.tenantId).to.equal(null);
    expect(() => normalizeRecord({ eventId: 'e', occurredAt: 't', action: 'a', outcome: 'maybe' })).to.throw(/outcome/);
  });

  it('h_i = SHA256(h_{i-1} || canonical(record) || u64be(seq) || u64be(offset)), genesis = 32 zero bytes', () => {
    const seq = Buffer.alloc(8);
    seq.writeBigUInt64BE(7n);
    const off = Buffer.alloc(8);
    off.writeBigUInt64BE(42n);
    const expected = createHash('sha256')
      .update(GENESIS_HASH)
      .update(canonicalJson(rec(1)))
      .update(seq)
      .update(off)
      .digest();
    expect(chainHash(GENESIS_HASH, rec(1), 7, '42').equals(expected)).to.equal(true);
    expect(GENESIS_HASH.equals(Buffer.alloc(32))).to.equal(true);
  });

  it('chain depends on every input', () => {
    const base = chainHash(GENESIS_HASH, rec(1), 1, '1').toString('hex');
    expect(chainHash(Buffer.alloc(32, 1), rec(1), 1, '1').toString('hex')).to.not.equal(base);
    expect(chainHash(GENESIS_HASH, rec(2), 1, '1').toString('hex')).to.not.equal(base);
    expect(chainHash(GENESIS_HASH, rec(1), 2, '1').toString('hex')).to.not.equal(base);
    expect(chainHash(GENESIS_HASH, rec(1), 1, '2').toString('hex')).to.not.equal(base);
    expect(chainHash(GENESIS_HASH, { ...rec(1), details: null }, 1, '1').toString('hex')).to.not.equal(base);
  });

  it('parses a valid segment', () => {
    const { buf, heads } = segment(5);
    const p = parseSegment(buf, ctx);
    expect(p.problem).to.equal(null);
    expect(p.records).to.have.length(5);
    expect(p.nextSeq).to.equal(5);
    expect(p.chainHead.equals(heads[4] as Buffer)).to.equal(true);
    expect(p.validBytes).to.equal(buf.length);
  });

  it('names the first bad record: modified content, deleted and swapped lines', () => {
    const { buf } = segment(6);
    const lines = buf.toString().split('\n').filter(Boolean);
    const modified = lines.map((l, i) => (i === 3 ? l.replace('o-3', 'o-X') : l));
    expect(parseSegment(Buffer.from(modified.join('\n') + '\n'), ctx).problem).to.include({ kind: 'chain-mismatch', sequence: 3 });
    const deleted = lines.filter((_, i) => i !== 2);
    expect(parseSegment(Buffer.from(deleted.join('\n') + '\n'), ctx).problem).to.include({ kind: 'sequence-mismatch', sequence: 2 });
    const swapped = [...lines];
    [swapped[1], swapped[4]] = [swapped[4] as string, swapped[1] as string];
    expect(parseSegment(Buffer.from(swapped.join('\n') + '\n'), ctx).problem).to.include({ kind: 'sequence-mismatch', sequence: 1 });
    const withSpace = lines.map((l, i) => (i === 0 ? l.replace('{', '{ ') : l));
    expect(parseSegment(Buffer.from(withSpace.join('\n') + '\n'), ctx).problem).to.include({ kind: 'non-canonical-line', sequence: 0 });
  });

  it('detects a torn tail as recoverable, and a corrupt middle line as not', () => {
    const { buf } = segment(3);
    const torn = Buffer.concat([buf, Buffer.from('{"chainHash":"ab')]);
    const p = parseSegment(torn, ctx);
    expect(p.problem).to.include({ kind: 'torn-tail', sequence: 3, recoverable: true });
    expect(p.validBytes).to.equal(buf.length);
    const zeros = Buffer.concat([buf, Buffer.alloc(10), Buffer.from('\n')]);
    expect(parseSegment(zeros, ctx).problem).to.include({ kind: 'malformed-line', recoverable: true });
    const lines = buf.toString().split('\n');
    lines[1] = '{garbage';
    expect(parseSegment(Buffer.from(lines.join('\n')), ctx).problem).to.include({
      kind: 'malformed-line',
      sequence: 1,
      recoverable: false,
    });
  });

  it('detects duplicates and non-increasing offsets', () => {
    const { buf } = segment(3);
    const seen = new Set<string>([rec(1).eventId]);
    expect(parseSegment(buf, { ...ctx, seenEventIds: seen }).problem).to.include({ kind: 'duplicate-event', sequence: 1 });
    expect(parseSegment(buf, { ...ctx, lastOffset: 100n }).problem).to.include({ kind: 'offset-order', sequence: 0 });
  });
});
