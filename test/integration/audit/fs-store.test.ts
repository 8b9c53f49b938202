import { expect } from 'chai';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWormStore } from '../../../workers/audit-sink/store';
import { createInclusionProof, verifyInclusionProof } from '../../../workers/audit-sink/store/proof';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import { readCheckpointLog } from '../../../workers/audit-sink/store/fs-store';
import type { AuditEntry, AuditRecord, FsWormStoreConfig, SealedInfo, WormStore } from '../../../workers/audit-sink/store/types';

function record(id: string): AuditRecord {
  return {
    eventId: id,
    occurredAt: '2024-05-01T12:00:00.000Z',
    tenantId: 'tenant-a',
    principal: 'jwt:user-1',
    action: 'order.state_changed',
    resourceType: 'order',
    resourceId: id,
    outcome: 'success',
    requestId: null,
    operationId: null,
    sourceIp: null,
    userAgent: null,
    details: '{"from":"new","to":"paid"}',
  };
}

function entries(partition: number, from: number, n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    partition,
    offset: String(from + i),
    record: record(`evt-${partition}-${from + i}`),
  }));
}

describe('audit fs store (real filesystem)', () => {
  let root: string;
  let config: FsWormStoreConfig;
  let store: WormStore;

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-fs-'));
    config = {
      kind: 'fs',
      dir: path.join(root, 'data'),
      checkpointDir: path.join(root, 'checkpoints'),
      maxSegmentRecords: 10,
      maxSegmentAgeMs: 60_000,
    };
    store = createWormStore(config);
    await store.init();
  });

  afterEach(async () => {
    await store.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('appends batches, seals by size and age, verifies OK, and proves inclusion', async () => {
    const sealed: SealedInfo[] = [];
    store.onSealed = (i) => sealed.push(i);
    await store.append([...entries(0, 0, 7), ...entries(1, 100, 4)]);
    await store.append(entries(0, 7, 8)); // crosses the 10-record boundary → sealed inline
    expect(sealed.map((s) => [s.partition, s.segment, s.records])).to.deep.equal([[0, 'p0/00000000000000000000.seg', 10]]);
    expect(await store.committedOffset(0)).to.equal('14');
    expect(await store.committedOffset(1)).to.equal('103');
    expect(await store.committedOffset(2)).to.equal(null);

    await store.sealDue(new Date(Date.now() + 1000)); // not due yet
    expect(sealed).to.have.length(1);
    await store.sealDue(new Date(Date.now() + 61_000)); // age-due: both open segments
    expect(sealed).to.have.length(3);

    const seg0 = path.join(config.dir, 'p0', '00000000000000000000.seg');
    expect((await fsp.stat(seg0)).mode & 0o777).to.equal(0o444);
    const log = await readCheckpointLog(config.checkpointDir);
    expect(log.checkpoints.map((c) => c.checkpoint.segment)).to.have.members([
      'p0/00000000000000000000.seg',
      'p0/00000000000000000010.seg',
      'p1/00000000000000000000.seg',
    ]);

    const progress: number[] = [];
    const res = await verifyStore(config, { onProgress: (d, t) => progress.push(d / t) });
    expect(res).to.deep.include({ ok: true, partitions: 2, segments: 3, records: 19 });
    expect(progress[progress.length - 1]).to.equal(1);

    const proof = await createInclusionProof(config, 'evt-0-12');
    expect(proof).to.not.equal(null);
    expect(proof).to.include({ partition: 0, segment: 'p0/00000000000000000010.seg', leafIndex: 2 });
    const pub = path.join(config.dir, 'keys', 'checkpoint-signing.pub.pem');
    expect(await verifyInclusionProof(proof!, pub)).to.deep.equal({ ok: true });
    expect((await verifyInclusionProof({ ...proof!, line: proof!.line.replace('paid', 'void') }, pub)).ok).to.equal(false);
    expect((await verifyInclusionProof({ ...proof!, leafIndex: 3 }, pub)).ok).to.equal(false);
  });

  it('dedupes re-delivered offsets and already-stored eventIds, also across restarts', async () => {
    await store.append(entries(0, 0, 5));
    await store.append(entries(0, 0, 5)); // same offsets again
    await store.append([{ partition: 0, offset: '5', record: record('evt-0-2') }]); // same eventId, new offset
    await store.append([...entries(0, 6, 2), ...entries(0, 6, 2)]); // duplicates within a batch
    await store.close();
    store = createWormStore(config);
    await store.init();
    await store.append(entries(0, 3, 5)); // offsets 3..7 all seen already
    await store.append([{ partition: 1, offset: '0', record: record('evt-0-1') }]); // eventId stored in another partition
    const res = await verifyStore(config);
    expect(res).to.deep.include({ ok: true, records: 7 });
    expect(await store.committedOffset(0)).to.equal('7');
    const lines = (await fsp.readFile(path.join(config.dir, 'p0', '00000000000000000000.seg'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { offset: string }).offset)).to.deep.equal(['0', '1', '2', '3', '4', '6', '7']);
  });

  it('restart-resume: continues the chain and the segment after close/init', async () => {
    await store.append(entries(0, 0, 4));
    await store.close();
    store = createWormStore(config);
    await store.init();
    expect(await store.committedOffset(0)).to.equal('3');
    await store.append(entries(0, 4, 10));
    await store.sealDue(new Date(Date.now() + 120_000));
    await store.close();
    store = createWormStore(config);
    await store.init();
    await store.append(entries(0, 14, 3));
    const res = await verifyStore(config);
    expect(res).to.deep.include({ ok: true, partitions: 1, segments: 3, records: 17 });
    const files = await fsp.readdir(path.join(config.dir, 'p0'));
    expect(files.sort()).to.deep.equal(['00000000000000000000.seg', '00000000000000000010.seg', '00000000000000000014.seg']);
  });

  it('crash recovery: a torn tail is detected, sealed with the gap recorded, writing continues in a new segment', async () => {
    await store.append(entries(0, 0, 3));
    await store.close();
    const seg0 = path.join(config.dir, 'p0', '00000000000000000000.seg');
    const before = await fsp.readFile(seg0);
    // simulate a crash in the middle of writing the next batch: half a line at the end
    const half = '{"chainHash":"0123456789abcdef","offset":"3","partition":0,"rec';
    await fsp.appendFile(seg0, half);

    const open = await verifyStore(config);
    expect(open.ok).to.equal(true);
    if (open.ok)
      expect(open.gaps).to.deep.equal([{ partition: 0, segment: 'p0/00000000000000000000.seg', sequence: 3, bytes: half.length, kind: 'open-torn-tail' }]);

    store = createWormStore(config);
    await store.init();
    expect(await store.committedOffset(0)).to.equal('2');
    // the torn file is never truncated or rewritten
    const after = await fsp.readFile(seg0);
    expect(after.subarray(0, before.length).equals(before)).to.equal(true);
    expect(after.length).to.equal(before.length + half.length);
    expect((await fsp.stat(seg0)).mode & 0o777).to.equal(0o444);
    const log = await readCheckpointLog(config.checkpointDir);
    expect(log.checkpoints[0]?.checkpoint).to.include({ count: 3, bytes: before.length });
    expect(log.checkpoints[0]?.checkpoint.tornTail).to.include({ bytes: half.length });

    await store.append(entries(0, 3, 4)); // Kafka re-delivers offset 3 onwards
    const seg1 = path.join(config.dir, 'p0', '00000000000000000003.seg');
    const first = JSON.parse((await fsp.readFile(seg1, 'utf8')).split('\n')[0] as string) as { gap?: { previousSegment: string } };
    expect(first.gap?.previousSegment).to.equal('p0/00000000000000000000.seg');

    const res = await verifyStore(config);
    expect(res).to.deep.include({ ok: true, segments: 2, records: 7 });
    if (res.ok)
      expect(res.gaps).to.deep.equal([{ partition: 0, segment: 'p0/00000000000000000000.seg', sequence: 3, bytes: half.length, kind: 'recovered-torn-tail' }]);

    // tampering with the recorded torn bytes is detected
    await fsp.chmod(seg0, 0o644);
    await fsp.appendFile(seg0, 'x');
    const bad = await verifyStore(config);
    expect(bad).to.include({ ok: false, kind: 'trailing-data', segment: 'p0/00000000000000000000.seg', sequence: 3 });
  });

  it('crash recovery of a torn first line keeps the file and continues in a new generation segment', async () => {
    await store.append(entries(0, 0, 10)); // sealed inline
    await store.append(entries(0, 10, 1));
    await store.close();
    const seg = path.join(config.dir, 'p0', '00000000000000000010.seg');
    const whole = await fsp.readFile(seg);
    await fsp.chmod(seg, 0o644);
    // replace content by a torn first line is not allowed (no truncation); build a new torn open segment instead
    await fsp.rm(seg);
    await fsp.writeFile(seg, whole.subarray(0, 20));
    store = createWormStore(config);
    await store.init();
    await store.append(entries(0, 10, 2));
    const files = (await fsp.readdir(path.join(config.dir, 'p0'))).sort();
    expect(files).to.deep.equal(['00000000000000000000.seg', '00000000000000000010-1.seg', '00000000000000000010.seg']);
    const res = await verifyStore(config);
    expect(res).to.deep.include({ ok: true, segments: 3, records: 12 });
  });

  it('refuses to write after corruption that is not a torn tail', async () => {
    await store.append(entries(0, 0, 5));
    await store.close();
    const seg = path.join(config.dir, 'p0', '00000000000000000000.seg');
    const lines = (await fsp.readFile(seg, 'utf8')).split('\n');
    lines[1] = (lines[1] as string).replace('paid', 'PAID');
    await fsp.writeFile(seg, lines.join('\n'));
    store = createWormStore(config);
    await expect(store.init()).to.be.rejectedWith(/corrupt at seq 1 \(chain-mismatch/);
    expect(await verifyStore(config)).to.include({ ok: false, kind: 'chain-mismatch', sequence: 1 });
  });
});
