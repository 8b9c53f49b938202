import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWormStore } from '../../../workers/audit-sink/store';
import { signCheckpoint } from '../../../workers/audit-sink/store/checkpoint';
import { CHECKPOINT_LOG } from '../../../workers/audit-sink/store/checkpoint-log';
import { IncrementalVerifier, type IncrementalResult } from '../../../workers/audit-sink/store/incremental';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import type { AuditEntry, FsWormStoreConfig, SignedCheckpoint, WormStore } from '../../../workers/audit-sink/store/types';

function entries(partition: number, from: number, n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    partition,
    offset: String(from + i),
    record: {
      eventId: `inc-${partition}-${from + i}`,
      occurredAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
      tenantId: 'tenant-a',
      principal: `api-key:k${i % 5}`,
      action: 'command.accepted',
      resourceType: 'order',
      resourceId: `ord-${from + i}`,
      outcome: 'success',
      requestId: `req-${i}`,
      operationId: null,
      sourceIp: '192.0.2.7',
      userAgent: null,
      details: JSON.stringify({ i, note: 'ünïcödé' }),
    },
  }));
}

const ok = (r: IncrementalResult) => {
  expect(r.ok, JSON.stringify(r)).to.equal(true);
  return r as Extract<IncrementalResult, { ok: true }>;
};

/** The full verifier's verdict, for comparison: incremental failures must name the same problem. */
async function fullVerdict(cfg: FsWormStoreConfig) {
  const full = await verifyStore(cfg);
  expect(full.ok).to.equal(false);
  const { kind, segment, sequence } = full as Extract<typeof full, { ok: false }>;
  return { kind, segment, sequence };
}

describe('audit incremental verification (fs store)', function () {
  this.timeout(120_000);
  let root: string;
  let cfg: FsWormStoreConfig;
  let store: WormStore;
  const next = new Map<number, number>();

  async function write(partition: number, n: number): Promise<void> {
    const from = next.get(partition) ?? 0;
    await store.append(entries(partition, from, n));
    next.set(partition, from + n);
  }

  async function flipIn(segment: string, needle = '"action":"'): Promise<void> {
    const file = path.join(cfg.dir, segment);
    const bytes = await fsp.readFile(file);
    const at = bytes.indexOf(needle) + needle.length + 2;
    bytes[at] = (bytes[at] as number) ^ 0x01;
    await fsp.chmod(file, 0o644);
    await fsp.writeFile(file, bytes);
  }

  beforeEach(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-incr-'));
    cfg = {
      kind: 'fs',
      dir: path.join(root, 'data'),
      checkpointDir: path.join(root, 'ckpt'),
      maxSegmentRecords: 10,
      maxSegmentAgeMs: 60_000,
    };
    store = createWormStore(cfg);
    await store.init();
    next.clear();
  });

  afterEach(async () => {
    await store.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('verifies only what was sealed since the last run, plus a bounded sample', async () => {
    for (let i = 0; i < 20; i += 1) await write(i % 2, 10); // 20 sealed segments in 2 partitions
    await write(0, 4); // open segment
    const v = new IncrementalVerifier(cfg, { sampleSegments: 4, seed: 1 });
    const first = ok(await v.run());
    expect(first).to.include({
      newSegments: 20,
      newRecords: 200,
      openRecords: 4,
      verifiedSegments: 20,
      verifiedRecords: 200,
      pendingSegments: 0,
    });
    expect(first.sampled).to.deep.equal([]);
    const idle = ok(await v.run());
    expect(idle).to.include({ newSegments: 0, newRecords: 0, openRecords: 4 });
    expect(idle.sampled).to.have.length(4);
    await write(0, 12); // seals the open one (4 + 6), 6 more open
    await write(1, 10);
    const third = ok(await v.run());
    expect(third).to.include({ newSegments: 2, newRecords: 20, openRecords: 6, verifiedSegments: 22, verifiedRecords: 220 });
    expect(third.sampled).to.have.length(4);
  });

  it('catches up after a restart within a per-run budget', async () => {
    for (let i = 0; i < 9; i += 1) await write(0, 10);
    const v = new IncrementalVerifier(cfg, { maxNewSegments: 4, sampleSegments: 2 });
    expect(ok(await v.run())).to.include({ newSegments: 4, pendingSegments: 5 });
    expect(ok(await v.run())).to.include({ newSegments: 4, pendingSegments: 1 });
    expect(ok(await v.run())).to.include({ newSegments: 1, pendingSegments: 0, verifiedRecords: 90 });
  });

  it('catches tampering in a newly sealed segment, naming what the full verifier names', async () => {
    for (let i = 0; i < 6; i += 1) await write(0, 10);
    const v = new IncrementalVerifier(cfg, { sampleSegments: 2, seed: 7 });
    ok(await v.run());
    await write(0, 20);
    await flipIn('p0/00000000000000000070.seg');
    const res = await v.run();
    expect(res.ok).to.equal(false);
    expect(res).to.deep.include(await fullVerdict(cfg));
    expect(res).to.include({ segment: 'p0/00000000000000000070.seg' });
    expect((await v.run()).ok, 'reported again on every later run').to.equal(false);
  });

  it('catches tampering in the open segment (chain)', async () => {
    await write(0, 15);
    const v = new IncrementalVerifier(cfg);
    ok(await v.run());
    await flipIn('p0/00000000000000000010.seg');
    const res = await v.run();
    expect(res).to.deep.include({ ok: false, ...(await fullVerdict(cfg)) });
  });

  it('catches tampering in an old segment through the sample: within ⌈n / (k/2)⌉ runs, reproducibly with a seed', async () => {
    for (let i = 0; i < 40; i += 1) await write(0, 10);
    const k = 4;
    const v = new IncrementalVerifier(cfg, { sampleSegments: k, seed: 42 });
    const twin = new IncrementalVerifier(cfg, { sampleSegments: k, seed: 42 });
    ok(await v.run());
    ok(await twin.run());
    // the same seed picks the same sample: deterministic for a test, unpredictable with the default random seed
    expect(ok(await v.run()).sampled)
      .to.deep.equal(ok(await twin.run()).sampled)
      .and.to.have.length(k);
    const victim = 'p0/00000000000000000330.seg';
    await flipIn(victim);
    const want = await fullVerdict(cfg);
    let runs = 0;
    let res: IncrementalResult;
    do {
      runs += 1;
      res = await v.run();
    } while (res.ok && runs < 100);
    expect(res).to.deep.include({ ok: false, ...want });
    expect(res).to.include({ segment: victim });
    expect(runs).to.be.at.most(Math.ceil(40 / (k / 2)));
    let twinRuns = 0;
    while ((await twin.run()).ok) twinRuns += 1;
    expect(twinRuns + 1, 'same seed, same run').to.equal(runs);
  });

  it('names truncations, deleted and reordered records of old segments as the full verifier does', async () => {
    for (let i = 0; i < 6; i += 1) await write(0, 10);
    const file = path.join(cfg.dir, 'p0/00000000000000000020.seg');
    const original = await fsp.readFile(file);
    const lines = original.toString('utf8').split('\n').filter(Boolean);
    const edits: [string, string | Buffer][] = [
      ['truncate', original.subarray(0, original.length - 30)],
      [
        'delete-record',
        lines
          .filter((_, i) => i !== 4)
          .map((l) => `${l}\n`)
          .join(''),
      ],
      ['reorder', [lines[1], lines[0], ...lines.slice(2)].map((l) => `${l}\n`).join('')],
    ];
    for (const [kind, content] of edits) {
      const v = new IncrementalVerifier(cfg, { sampleSegments: 16 });
      ok(await v.run());
      await fsp.chmod(file, 0o644);
      await fsp.writeFile(file, content);
      const res = await v.run();
      expect(res, kind).to.deep.include({ ok: false, ...(await fullVerdict(cfg)) });
      expect(res, kind).to.include({ segment: 'p0/00000000000000000020.seg' });
      await fsp.writeFile(file, original);
    }
  });

  it('catches a forged old checkpoint, a removed old segment and a cut checkpoint log', async () => {
    for (let i = 0; i < 8; i += 1) await write(0, 10);
    const mk = async () => {
      const v = new IncrementalVerifier(cfg, { sampleSegments: 16 });
      ok(await v.run());
      return v;
    };
    const logPath = path.join(cfg.checkpointDir, CHECKPOINT_LOG);
    const original = await fsp.readFile(logPath, 'utf8');

    let v = await mk();
    const lines = original.split('\n').filter(Boolean);
    const sc = JSON.parse(lines[2] as string) as SignedCheckpoint;
    lines[2] = JSON.stringify(
      signCheckpoint({ ...sc.checkpoint, count: sc.checkpoint.count + 1 }, { privateKey: generateKeyPairSync('ed25519').privateKey, keyId: sc.keyId }),
    );
    await fsp.writeFile(logPath, lines.map((l) => `${l}\n`).join(''));
    const forged = await v.run();
    expect(forged).to.deep.include({ ok: false, ...(await fullVerdict(cfg)) });
    expect(forged).to.include({ kind: 'bad-signature', segment: sc.checkpoint.segment });
    await fsp.writeFile(logPath, original);

    v = await mk();
    const removed = 'p0/00000000000000000030.seg';
    const keep = await fsp.readFile(path.join(cfg.dir, removed));
    await fsp.rm(path.join(cfg.dir, removed), { force: true });
    const missing = await v.run();
    expect(missing).to.deep.include({ ok: false, ...(await fullVerdict(cfg)) });
    expect(missing).to.include({ kind: 'missing-segment', segment: removed });
    await fsp.writeFile(path.join(cfg.dir, removed), keep, { mode: 0o444 });

    v = await mk();
    await fsp.writeFile(
      logPath,
      original
        .split('\n')
        .filter(Boolean)
        .slice(0, 6)
        .map((l) => `${l}\n`)
        .join(''),
    );
    expect(await v.run()).to.deep.include({ ok: false, kind: 'missing-checkpoint', segment: 'p0/00000000000000000060.seg' });
  });

  it('raises no false alarm while the store appends and seals concurrently', async () => {
    const v = new IncrementalVerifier(cfg, { sampleSegments: 8 });
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 60; i += 1) {
        await write(i % 3, 7);
        if (i % 5 === 0) await store.sealDue(new Date(Date.now() + 120_000));
      }
      writing = false;
    })();
    const results: IncrementalResult[] = [];
    while (writing) results.push(await v.run());
    await writer;
    await store.sealDue(new Date(Date.now() + 120_000));
    results.push(await v.run());
    expect(results.filter((r) => !r.ok)).to.deep.equal([]);
    expect(ok(results[results.length - 1] as IncrementalResult).verifiedRecords).to.equal(420);
  });
});
