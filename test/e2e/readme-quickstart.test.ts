import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import os from 'node:os';
import { createTenantKey, ownTopics, startGateway, startWorker, testConfig, type RunningGateway, type RunningWorker } from '../support/platform';
import { DOMAINS } from '../../schemas/catalog';
import { createContainer, type Deps } from '../../shared/container';
import { AuditSink } from '../../workers/audit-sink/sink';
import { createWormStore } from '../../workers/audit-sink/store';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';
import { setupPlatform } from '../../ops/cli/setup';
import { dropProcessRoles } from '../../shared/orm';

const README = path.resolve(__dirname, '..', '..', 'README.md');

/** The README's quick-start shell block, between its markers, without the two lines a reader fills in. */
function quickStart(): string {
  const text = fs.readFileSync(README, 'utf8');
  const block = /<!-- quickstart:begin[^>]*-->\s*```bash\n([\s\S]*?)```\s*<!-- quickstart:end -->/.exec(text)?.[1];
  if (!block) throw new Error('README.md has no ```bash block between <!-- quickstart:begin --> and <!-- quickstart:end -->');
  return block
    .split('\n')
    .filter((l) => !/^(KEY|API)=/.test(l))
    .join('\n');
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe("e2e: the README's quick start, as written, against a running platform", function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let key: string;
  let sinkDeps: Deps;
  let sink: AuditSink;
  // Topics, a PostgreSQL schema and a WORM store of its own, as `npm start` has: `audit verify` then
  // checks exactly this run (its anchors include the whole audit_events index of the schema).
  let own: Record<string, string>;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-quickstart-'));
    const schema = { DATABASE_SCHEMA: `${testConfig().DATABASE_SCHEMA}_quickstart` };
    const topics = await ownTopics();
    await setupPlatform(testConfig({ ...topics, ...schema }));
    own = { ...topics, ...schema, AUDIT_DIR: path.join(dir, 'audit'), AUDIT_CHECKPOINT_DIR: path.join(dir, 'audit-checkpoints') };
    gw = await startGateway(own);
    for (const d of DOMAINS) workers.push(await startWorker(d, own));
    const config = testConfig(own);
    sinkDeps = await createContainer(config, 'audit-sink');
    const store = wormStoreConfig(config);
    sink = new AuditSink(sinkDeps, createWormStore(store), store);
    await sink.start();
    key = await createTenantKey(gw, 'tenant-quickstart');
  });
  after(async () => {
    await sink?.stop();
    await sinkDeps?.close();
    for (const w of workers) await w.close();
    if (gw) {
      await gw.deps.orm.em.getConnection().execute(`drop schema if exists "${own.DATABASE_SCHEMA}" cascade`);
      await dropProcessRoles(gw.deps.orm, own.DATABASE_SCHEMA!);
    }
    await gw?.close();
  });

  it('stocks a SKU, orders it, ships and delivers it, and shows its audit records', async () => {
    const { code, out } = await bash(quickStart(), { KEY: key, API: gw.url });
    expect(code, out).to.equal(0);
    const delivered = /^order ([0-9a-f-]{36}) delivered$/m.exec(out);
    expect(delivered, out).to.not.equal(null);
    const order = await fetch(`${gw.url}/v1/orders/${delivered![1]}`, { headers: { 'X-API-Key': key } });
    expect(((await order.json()) as { status: string }).status).to.equal('delivered');
    // The last line: the audit actions recorded about the order, its creation among them.
    expect(out.trim().split('\n').at(-1), out).to.include('command.accepted');
  });

  it('then `stateset audit verify` finds the trail intact (exit 0)', async () => {
    // The README's `npx stateset audit verify` is `npm run stateset -- audit verify`.
    const { code, out } = await bash('npm run --silent stateset -- audit verify --json', { ...own, NODE_ENV: 'test' });
    expect(code, out).to.equal(0);
    const report = JSON.parse(out.trim().split('\n').at(-1)!) as { ok: boolean; records: number };
    expect(report.ok, out).to.equal(true);
    // the records of every command above, their outcomes and state changes
    expect(report.records, out).to.be.greaterThan(9);
  });
});
