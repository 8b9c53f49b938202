import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createContainer, type Deps } from '../../shared/container';
import { Operation, Outbox } from '../../shared/orm';
import { AuditSink } from '../../workers/audit-sink/sink';
import { createWormStore, verifyStore, type FsWormStoreConfig } from '../../workers/audit-sink/store';
import { createTenantKey, ownTopics, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../support/platform';
import { storedRecords } from '../support/worm-records';

/** Every operation and state change through HTTP has exactly one audit record in the WORM store. */
describe('e2e: audit reconciliation (HTTP → Kafka → workers → outbox → sink → fs WORM store)', function () {
  this.timeout(180_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let sinkDeps: Deps;
  let sink: AuditSink;
  let store: FsWormStoreConfig;
  let key: string;
  let viewerKey: string;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-audit-'));
    store = {
      kind: 'fs',
      dir: path.join(dir, 'segments'),
      checkpointDir: path.join(dir, 'checkpoints'),
      maxSegmentRecords: 7,
      maxSegmentAgeMs: 1000,
    };
    // Topics of its own: the store must hold exactly this test's audit topic, nothing of earlier tests.
    const own = await ownTopics();
    gw = await startGateway(own);
    workers.push(await startWorker('orders', own), await startWorker('inventory', own));
    sinkDeps = await createContainer(testConfig(own), 'audit-sink');
    sink = new AuditSink(sinkDeps, createWormStore(store), store);
    await sink.start();
    key = await createTenantKey(gw, 'tenant-audit');
    viewerKey = await createTenantKey(gw, 'tenant-audit', 'viewer');
  });
  after(async () => {
    await sink?.stop();
    await sinkDeps?.close();
    for (const w of workers) await w.close();
    await gw?.close();
  });

  it('stores exactly one record per accepted command, per outcome and per state change, and verifies', async () => {
    const ops: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await request(gw.url)
        .post('/v1/orders')
        .set('X-API-Key', key)
        .send({ customerId: `c${i}`, currency: 'EUR', items: [{ sku: 'NOPE', quantity: 1, unitPriceMinor: 1 }] });
      expect(res.status).to.equal(202);
      ops.push(res.body.id);
    }
    const orderIds: string[] = [];
    for (const id of ops) {
      const op = await request(gw.url).get(`/v1/operations/${id}`).set('X-API-Key', key).set('Prefer', 'wait=20');
      orderIds.push(op.body.resource.id);
    }
    // an illegal transition: the operation fails
    const bad = await request(gw.url).post(`/v1/orders/${orderIds[0]}/transitions`).set('X-API-Key', key).send({ to: 'refunded' });
    ops.push(bad.body.id);
    await request(gw.url).get(`/v1/operations/${bad.body.id}`).set('X-API-Key', key).set('Prefer', 'wait=20');
    // a rejected command, an authentication failure and an authorization failure
    expect((await request(gw.url).post('/v1/orders').set('X-API-Key', key).send({ bogus: true })).status).to.equal(400);
    expect(
      (
        await request(gw.url)
          .post('/v1/orders')
          .set('X-API-Key', 'sk_live_0123456789abcdef_' + 'x'.repeat(43))
          .send({})
      ).status,
    ).to.equal(401);
    expect((await request(gw.url).post('/v1/orders').set('X-API-Key', viewerKey).send({})).status).to.equal(403);

    // Every order goes on hold (unknown SKU) through the inventory → orders flow.
    const conn = gw.deps.orm.em.fork().getConnection();
    await waitFor(
      'flows settled',
      async () => {
        const [r] = await conn.execute<{ n: string }[]>(`select count(*) as n from orders where id = any(?::uuid[]) and status = 'on_hold'`, [
          `{${orderIds.join(',')}}`,
        ]);
        return Number(r!.n) === orderIds.length;
      },
      60_000,
    );
    await waitFor('outbox published', async () => (await gw.deps.orm.em.fork().count(Outbox, { publishedAt: null })) === 0, 60_000);
    // Every audit record leaves through the outbox, each accepted command's included (committed with
    // its operation row by the gateway, published by a relay).
    const expected = await gw.deps.orm.em.fork().count(Outbox, { topic: gw.deps.topics.audit });
    await waitFor('sink stored every audit record', async () => storedRecords(store.dir).length >= expected, 60_000);

    const records = storedRecords(store.dir);
    expect(records.length, 'no duplicates, nothing missing').to.equal(expected);
    expect(new Set(records.map((r) => r.eventId)).size).to.equal(records.length);
    const mine = records.filter((r) => r.tenantId === 'tenant-audit');
    for (const id of ops) {
      expect(
        mine.filter((r) => r.operationId === id && r.action === 'command.accepted'),
        `accepted ${id}`,
      ).to.have.length(1);
      expect(
        mine.filter((r) => r.operationId === id && (r.action === 'command.succeeded' || r.action === 'command.failed')),
        `outcome ${id}`,
      ).to.have.length(1);
    }
    for (const orderId of orderIds) {
      const changes = mine
        .filter((r) => r.action === 'order.state_changed' && r.resourceId === orderId)
        .map((r) => JSON.parse(r.details ?? '{}') as { from: string | null; to: string });
      expect(
        changes.map((c) => `${c.from}→${c.to}`),
        orderId,
      ).to.deep.equal(['null→pending', 'pending→on_hold']);
    }
    expect(mine.filter((r) => r.action === 'command.rejected')).to.have.length(1);
    expect(records.filter((r) => r.action === 'auth.failed' && r.outcome === 'failure').length).to.be.greaterThan(0);
    expect(mine.filter((r) => r.action === 'authz.denied')).to.have.length(1);
    const failedOp = await gw.deps.orm.em.fork().findOneOrFail(Operation, { id: bad.body.id });
    expect(failedOp.status).to.equal('failed');
    expect(JSON.stringify(records)).to.not.include('x'.repeat(43));

    // Seal what is open, then the whole store verifies.
    await new Promise((r) => setTimeout(r, 1100));
    const result = await verifyStore(store);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(await sink.verify()).to.equal(true);
    const failures = async () => (await sinkDeps.metrics.auditVerificationFailures.get()).values.reduce((n, v) => n + v.value, 0);
    expect(await failures()).to.equal(0);

    // The query index serves the same trail to an auditor of this tenant.
    const listed = await request(gw.url).get(`/v1/audit/events?operationId=${ops[0]}`).set('X-API-Key', key);
    expect(listed.status).to.equal(200);
    // the operation's own records and those of the changes it caused (through the inventory flow)
    expect(listed.body.data.map((e: { action: string }) => e.action).sort()).to.deep.equal([
      'command.accepted',
      'command.succeeded',
      'order.state_changed',
      'order.state_changed',
      'reservation.failed',
    ]);

    // The admin CLI: verify (exit 0) and an inclusion proof for a stored event.
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'ops/cli/main.ts'), 'audit', ...args], {
        env: { ...process.env, AUDIT_DIR: store.dir, AUDIT_CHECKPOINT_DIR: store.checkpointDir, AUDIT_STORE: 'fs' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    // --no-anchors: this run's audit_events index is shared with other tests' topics (one PostgreSQL
    // schema per run, several topic prefixes), so only the store is compared here; the anchors are
    // proven on a schema of their own in test/integration/audit/sink-offsets.test.ts.
    const ok = cli('verify', '--no-anchors');
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^OK: \d+ records in \d+ segments/);
    const proven = mine.find((r) => r.action === 'command.accepted')!;
    const proof = cli('proof', proven.eventId);
    expect(proof.status, proof.stderr).to.equal(0);
    expect(JSON.parse(proof.stdout)).to.include({ eventId: proven.eventId });
    expect(proof.stderr).to.include('proof verifies against the signed checkpoint');

    // Tampering with a sealed segment is caught by the sink's periodic verification and counted.
    const sealed = fs
      .readdirSync(path.join(store.dir, 'p0'))
      .filter((f) => f.endsWith('.seg'))
      .sort()[0]!;
    const file = path.join(store.dir, 'p0', sealed);
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf('"action":"') + 12;
    bytes[at] = bytes[at]! ^ 0x01;
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, bytes);
    expect(await sink.verify()).to.equal(false);
    expect(await failures()).to.equal(1);
    const tampered = cli('verify', '--no-anchors');
    expect(tampered.status).to.equal(1);
    expect(tampered.stdout).to.match(new RegExp(`^TAMPERED: .* segment p0/${sealed}`));
  });
});
