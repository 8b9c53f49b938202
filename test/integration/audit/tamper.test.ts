import { expect } from 'chai';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWormStore } from '../../../workers/audit-sink/store';
import { resolvePublicKey, signCheckpoint } from '../../../workers/audit-sink/store/checkpoint';
import { CHECKPOINT_LOG } from '../../../workers/audit-sink/store/fs-store';
import { verifyStore } from '../../../workers/audit-sink/store/verify';
import type { AuditEntry, FsWormStoreConfig, ProblemKind, SignedCheckpoint } from '../../../workers/audit-sink/store/types';
import { seededRandom } from '../../../shared/seeded-random';

const SEED = 0x5eed_a0d1;
const RUNS_PER_KIND = 20;
const KINDS = ['flip-byte', 'delete-record', 'reorder', 'truncate', 'remove-segment', 'forge-checkpoint'] as const;
type Kind = (typeof KINDS)[number];

const EXPECTED_PROBLEMS: Record<Kind, ProblemKind[]> = {
  'flip-byte': ['malformed-line', 'non-canonical-line', 'sequence-mismatch', 'partition-mismatch', 'chain-mismatch', 'offset-order', 'truncated'],
  'delete-record': ['sequence-mismatch', 'truncated'],
  reorder: ['sequence-mismatch'],
  truncate: ['truncated'],
  'remove-segment': ['missing-segment'],
  'forge-checkpoint': ['bad-signature'],
};

interface Expectation {
  segment: string;
  sequence: number;
}

function makeEntries(): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let p = 0; p < 3; p += 1) {
    for (let i = 0; i < 37; i += 1) {
      out.push({
        partition: p,
        offset: String(1000 + i * 3),
        record: {
          eventId: `ev-${p}-${i}`,
          occurredAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
          tenantId: i % 2 ? 'tenant-a' : null,
          principal: `api-key:k${i % 5}`,
          action: i % 3 ? 'command.accepted' : 'auth.failed',
          resourceType: 'order',
          resourceId: `ord-${i}`,
          outcome: i % 3 ? 'success' : 'denied',
          requestId: `req-${i}`,
          operationId: null,
          sourceIp: '192.0.2.7',
          userAgent: 'curl/8',
          details: JSON.stringify({ i, note: 'ünïcödé ✓' }),
        },
      });
    }
  }
  return out;
}

describe('audit tamper detection (fs store, seeded randomized)', function () {
  this.timeout(120_000);
  let root: string;
  let base: FsWormStoreConfig;
  let publicKey: KeyObject;
  const other = generateKeyPairSync('ed25519');

  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'audit-tamper-'));
    base = {
      kind: 'fs',
      dir: path.join(root, 'base', 'data'),
      checkpointDir: path.join(root, 'base', 'ckpt'),
      maxSegmentRecords: 10,
      maxSegmentAgeMs: 1000,
    };
    const store = createWormStore(base);
    await store.init();
    const all = makeEntries();
    for (let i = 0; i < all.length; i += 13) await store.append(all.slice(i, i + 13));
    await store.sealDue(new Date(Date.now() + 3_600_000));
    await store.close();
    publicKey = await resolvePublicKey(path.join(base.dir, 'keys', 'checkpoint-signing.pub.pem'));
    const res = await verifyStore(base, { publicKey });
    expect(res).to.deep.include({ ok: true, partitions: 3, segments: 12, records: 111 });
  });

  after(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  async function segmentFiles(cfg: FsWormStoreConfig): Promise<string[]> {
    const out: string[] = [];
    for (const p of (await fsp.readdir(cfg.dir)).filter((d) => /^p\d+$/.test(d)).sort()) {
      for (const f of (await fsp.readdir(path.join(cfg.dir, p))).sort()) out.push(`${p}/${f}`);
    }
    return out;
  }

  async function lines(file: string): Promise<{ text: string; seq: number; start: number }[]> {
    const buf = await fsp.readFile(file, 'utf8');
    let pos = 0;
    return buf
      .split('\n')
      .filter((l) => l.length > 0)
      .map((text) => {
        const start = pos;
        pos += Buffer.byteLength(text) + 1;
        return { text, seq: (JSON.parse(text) as { seq: number }).seq, start };
      });
  }

  async function tamper(kind: Kind, cfg: FsWormStoreConfig, rnd: () => number): Promise<Expectation> {
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const segs = await segmentFiles(cfg);
    const seg = pick(segs);
    const file = path.join(cfg.dir, seg);
    await fsp.chmod(file, 0o644); // an attacker with write access
    const ls = await lines(file);
    switch (kind) {
      case 'flip-byte': {
        const buf = await fsp.readFile(file);
        const at = Math.floor(rnd() * buf.length);
        const orig = buf[at] as number;
        const ch = String.fromCharCode(orig);
        const cls = /[0-9]/.test(ch) ? '0123456789' : /[a-z]/.test(ch) ? 'abcdefghijklmnopqrstuvwxyz' : /[A-Z]/.test(ch) ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : null;
        if (cls && rnd() < 0.5) {
          // a plausible edit: same character class, so the JSON stays well-formed
          const choices = cls.replace(ch, '');
          buf[at] = choices.charCodeAt(Math.floor(rnd() * choices.length));
        } else {
          buf[at] = orig ^ (1 + Math.floor(rnd() * 255));
        }
        await fsp.writeFile(file, buf);
        const line = [...ls].reverse().find((l) => l.start <= at) as { seq: number };
        return { segment: seg, sequence: line.seq };
      }
      case 'delete-record': {
        const k = Math.floor(rnd() * ls.length);
        await fsp.writeFile(
          file,
          ls
            .filter((_, i) => i !== k)
            .map((l) => `${l.text}\n`)
            .join(''),
        );
        return { segment: seg, sequence: (ls[k] as { seq: number }).seq };
      }
      case 'reorder': {
        const a = Math.floor(rnd() * (ls.length - 1));
        const b = a + 1 + Math.floor(rnd() * (ls.length - a - 1));
        const copy = [...ls];
        [copy[a], copy[b]] = [copy[b] as (typeof ls)[number], copy[a] as (typeof ls)[number]];
        await fsp.writeFile(file, copy.map((l) => `${l.text}\n`).join(''));
        return { segment: seg, sequence: (ls[a] as { seq: number }).seq };
      }
      case 'truncate': {
        const buf = await fsp.readFile(file);
        const at = Math.floor(rnd() * buf.length);
        await fsp.truncate(file, at);
        const line = [...ls].reverse().find((l) => l.start <= at) as { seq: number };
        return { segment: seg, sequence: line.seq };
      }
      case 'remove-segment': {
        await fsp.rm(file);
        return { segment: seg, sequence: (ls[0] as { seq: number }).seq };
      }
      case 'forge-checkpoint': {
        const logPath = path.join(cfg.checkpointDir, CHECKPOINT_LOG);
        const cps = (await fsp.readFile(logPath, 'utf8')).split('\n').filter(Boolean);
        const k = Math.floor(rnd() * cps.length);
        const sc = JSON.parse(cps[k] as string) as SignedCheckpoint;
        const field = pick(['count', 'merkleRoot', 'chainHead', 'lastOffset', 'sha256', 'sealedAt'] as const);
        const cp = { ...sc.checkpoint };
        if (field === 'count') cp.count += 1;
        else if (field === 'lastOffset') cp.lastOffset = String(BigInt(cp.lastOffset ?? '0') + 1n);
        else if (field === 'sealedAt') cp.sealedAt = new Date(0).toISOString();
        else cp[field] = 'f'.repeat(64);
        const resign = rnd() < 0.5;
        const forged: SignedCheckpoint = resign ? signCheckpoint(cp, { privateKey: other.privateKey, keyId: sc.keyId }) : { ...sc, checkpoint: cp };
        cps[k] = JSON.stringify(forged);
        await fsp.writeFile(logPath, cps.map((l) => `${l}\n`).join(''));
        return { segment: sc.checkpoint.segment, sequence: sc.checkpoint.firstSeq };
      }
    }
  }

  it(`detects 100% of ${RUNS_PER_KIND * KINDS.length} seeded tamperings and names kind, segment and sequence`, async () => {
    const rnd = seededRandom(SEED);
    const detected: Record<string, number> = {};
    const named: Record<string, number> = {};
    const misses: string[] = [];
    const seenKinds: Record<string, number> = {};
    let run = 0;
    for (const kind of KINDS) {
      detected[kind] = 0;
      named[kind] = 0;
      for (let i = 0; i < RUNS_PER_KIND; i += 1) {
        run += 1;
        const dir = path.join(root, `run-${run}`);
        await fsp.cp(path.join(root, 'base'), dir, { recursive: true });
        const cfg: FsWormStoreConfig = { ...base, dir: path.join(dir, 'data'), checkpointDir: path.join(dir, 'ckpt') };
        const want = await tamper(kind, cfg, rnd);
        const res = await verifyStore(cfg, { publicKey });
        if (res.ok) {
          misses.push(`run ${run} ${kind} on ${want.segment}@${want.sequence}: NOT detected`);
        } else {
          detected[kind] += 1;
          seenKinds[`${kind} → ${res.kind}`] = (seenKinds[`${kind} → ${res.kind}`] ?? 0) + 1;
          if (EXPECTED_PROBLEMS[kind].includes(res.kind) && res.segment === want.segment && res.sequence === want.sequence) {
            named[kind] += 1;
          } else {
            misses.push(`run ${run} ${kind}: want ${want.segment}@${want.sequence}, got ${res.kind} ${res.segment}@${String(res.sequence)} (${res.reason})`);
          }
        }
        await fsp.rm(dir, { recursive: true, force: true });
      }
    }
    console.log('      reported problem kinds:', JSON.stringify(seenKinds));
    expect(misses, misses.join('\n')).to.deep.equal([]);
    const all = Object.fromEntries(KINDS.map((k) => [k, RUNS_PER_KIND]));
    expect(detected).to.deep.equal(all);
    expect(named).to.deep.equal(all);
  });
});
