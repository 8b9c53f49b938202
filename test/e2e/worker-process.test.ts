import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../shared/container';
import { Operation } from '../../shared/orm';
import { testConfig, waitFor } from '../support/platform';
import { publishCommand } from '../support/commands';

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'dist/workers/main.js');

/**
 * The compiled all-domain worker process, as `npm start` runs it: every domain's commands are
 * applied, and one SIGTERM drains every domain, leaves every group and exits 0.
 */
describe('e2e: one compiled worker process for all domains, graceful SIGTERM', function () {
  this.timeout(90_000);
  let deps: Deps;
  let child: ChildProcess;
  let output = '';

  before(async () => {
    expect(fs.existsSync(entry), `${entry} is missing: run \`npm run build\` (npm test does)`).to.equal(true);
    deps = await createContainer(testConfig(), 'test');
    child = spawn(process.execPath, [entry, '--domains', 'all'], {
      cwd: root,
      env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await deps?.close();
  });

  const groups = ['orders', 'inventory', 'returns', 'shipments', 'warranties'];
  const members = async () => {
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      const { groups: described } = await admin.describeGroups(groups.map((d) => `${deps.config.KAFKA_TOPIC_PREFIX}stateset.worker.${d}`));
      return Object.fromEntries(described.map((g) => [g.groupId.split('.').pop()!, g.members.length]));
    } finally {
      await admin.disconnect();
    }
  };
  const succeeded = (id: string) => async () => (await deps.orm.em.fork().findOne(Operation, { id }))?.status === 'succeeded';

  it('applies commands of two domains, then on SIGTERM finishes, leaves every group and exits 0', async () => {
    await waitFor('worker process started', async () => output.includes('worker process started'), 60_000);
    const order = await publishCommand(
      deps,
      'order.create.v1',
      {
        orderId: randomUUID(),
        customerId: 'proc',
        currency: 'EUR',
        items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1 }],
        shippingAddress: null,
        billingAddress: null,
        notes: null,
      },
      { tenantId: 'tenant-proc' },
    );
    const item = await publishCommand(
      deps,
      'inventory.item.create.v1',
      { sku: `P-${randomUUID().slice(0, 8)}`, name: 'proc item', description: null },
      { tenantId: 'tenant-proc' },
    );
    await waitFor('order applied', succeeded(order), 30_000);
    await waitFor('inventory item applied', succeeded(item), 30_000);
    const before = await members();
    for (const d of groups) expect(before[d], `${d} group joined`).to.be.greaterThan(0);
    expect(output).not.to.match(/TimeoutNegativeWarning|KafkaJS v2\.0\.0 switched default partitioner/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, output.slice(-2000)).to.equal(0);
    expect(output).to.include('shutting down');
    const after = await members();
    for (const d of groups) expect(after[d], `${d} group left`).to.equal(0);
  });
});
