import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { createWormStore } from '../../../workers/audit-sink/store';
import { chainHash, recordLineText, type RecordLine } from '../../../workers/audit-sink/store/chain';
import { HEAD_LOG } from '../../../workers/audit-sink/store/signed-head';
import { CHECKPOINT_LOG } from '../../../workers/audit-sink/store/checkpoint-log';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import type { AuditEntry, FsWormStoreConfig, VerifyResult, WormStore } from '../../../workers/audit-sink/store/types';

const entries = (from: number, n: number): AuditEntry[] =>
  Array.from({ length: n }, (_, k) => ({
    partition: 0,
    offset: String(from + k),
    record: {
      eventId: `00000000-0000-4000-8000-${String(from + k).padStart(12, '0')}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, from + k)).toISOString(),
      tenantId: 'tenant-a',
      principal: 'api-key:k',
      action: 'command.accepted',
      resourceType: 'order',
      resourceId: `ord-${from + k}`,
      outcome: 'success',
      requestId: null,
      operationId: null,
      sourceIp: null,
      userAgent: null,
      details: null,
    },
  }));

/**
 * Attacks on the newest records — the ones still in the open segment, not sealed yet — and on the
 * head log itself. Without signed heads each of these left `stateset audit verify` reporting OK.
 */
describe('audit store: signed heads cover the open segment', function () {
  this.timeout(60_000);
  let root: string;
  let config: FsWormStoreConfig;
  let openSegment: string;

  const fresh = async (): Promise<void> => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-heads-'));
    config = {
      kind: 'fs',
      dir: path.join(root, 'data'),
      checkpointDir: path.join(root, 'ckpt'),
      maxSegmentRecords: 1000,
      maxSegmentAgeMs: 3_600_000,
    };
    const store: WormStore = createWormStore(config);
    await store.init();
    await store.append(entries(0, 10));
    await store.signHeads!();
    await store.append(entries(10, 10));
    await store.signHeads!(); // the second head covers all 20, none of them sealed
    await store.signHeads!(); // nothing changed: no line written
    await store.close();
    const dir = path.join(config.dir, 'p0');
    openSegment = path.join(dir, (await fsp.readdir(dir)).filter((f) => f.endsWith('.seg'))[0]!);
    expect((await fsp.readFile(path.join(config.checkpointDir, HEAD_LOG), 'utf8')).trim().split('\n')).to.have.length(2);
    expect((await verifyStore(config)).ok, 'intact').to.equal(true);
  };
  const lines = async () => (await fsp.readFile(openSegment, 'utf8')).split('\n').filter(Boolean);
  const problem = (r: VerifyResult) => (r.ok ? 'ok' : r.kind);

  beforeEach(fresh);
  afterEach(async () => fsp.rm(root, { recursive: true, force: true }));

  it('truncating the open segment (whole lines, so the chain left still verifies) → behind-head', async () => {
    await fsp.writeFile(
      openSegment,
      (await lines())
        .slice(0, 15)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(problem(await verifyStore(config))).to.equal('behind-head');
  });

  it('deleting the open segment file → behind-head', async () => {
    await fsp.rm(openSegment);
    expect(problem(await verifyStore(config))).to.equal('behind-head');
  });

  it('rewriting the newest record with a recomputed chain → head-mismatch', async () => {
    const all = await lines();
    const prev = JSON.parse(all[18]!) as RecordLine;
    const last = JSON.parse(all[19]!) as RecordLine;
    const forged = { ...last.record, action: 'command.rejected' };
    const line: RecordLine = {
      ...last,
      record: forged,
      chainHash: chainHash(Buffer.from(prev.chainHash, 'hex'), forged, last.seq, last.offset).toString('hex'),
    };
    await fsp.writeFile(openSegment, [...all.slice(0, 19), recordLineText(line)].map((l) => `${l}\n`).join(''));
    expect(problem(await verifyStore(config))).to.equal('head-mismatch');
  });

  it('dropping or reordering lines of the head log → head-log-broken', async () => {
    const log = path.join(config.checkpointDir, HEAD_LOG);
    const heads = (await fsp.readFile(log, 'utf8')).trim().split('\n');
    await fsp.writeFile(log, `${heads[1]}\n${heads[0]}\n`);
    expect(problem(await verifyStore(config))).to.equal('head-log-broken');
    await fsp.writeFile(log, `${heads[1]}\n`);
    expect(problem(await verifyStore(config))).to.equal('head-log-broken');
  });

  it('reordering two lines of the checkpoint log → checkpoint-log-broken (each line commits to the one before)', async () => {
    const sealed: FsWormStoreConfig = { ...config, dir: path.join(root, 'sealed'), checkpointDir: path.join(root, 'sealed-ckpt'), maxSegmentRecords: 5 };
    const store = createWormStore(sealed);
    await store.init();
    await store.append(entries(0, 20)); // four segments of five, sealed by size
    await store.close();
    expect((await verifyStore(sealed)).ok, 'intact').to.equal(true);
    const log = path.join(sealed.checkpointDir, CHECKPOINT_LOG);
    const cps = (await fsp.readFile(log, 'utf8')).trim().split('\n');
    expect(cps.length).to.be.at.least(3);
    [cps[1], cps[2]] = [cps[2]!, cps[1]!];
    await fsp.writeFile(log, `${cps.join('\n')}\n`);
    expect(problem(await verifyStore(sealed))).to.equal('checkpoint-log-broken');
  });
});
