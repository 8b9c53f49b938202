import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../shared/container';
import { Operation } from '../../shared/orm';
import { testConfig, waitFor } from '../support/platform';
import { publishCommand } from '../support/commands';

const root = path.resolve(__dirname, '..', '..');

/** The real workers/orders/main.ts as its own process: it works, and SIGTERM stops it cleanly. */
describe('e2e: orders worker process, graceful SIGTERM', function () {
  this.timeout(90_000);
  let deps: Deps;
  let child: ChildProcess;
  let output = '';

  before(async () => {
    deps = await createContainer(testConfig(), 'test');
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers/orders/main.ts')], {
      cwd: root, env: { ...process.env, METRICS_PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await deps?.close();
  });

  const groupState = async () => {
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`${deps.config.KAFKA_TOPIC_PREFIX}stateset.worker.orders`]);
      return groups[0];
    } finally {
      await admin.disconnect();
    }
  };

  it('processes a command, then on SIGTERM finishes, leaves the group and exits 0', async () => {
    await waitFor('worker started', async () => output.includes('worker started'), 60_000);
    const op = await publishCommand(deps, 'order.create.v1', {
      orderId: randomUUID(), customerId: 'proc', currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1 }],
      shippingAddress: null, billingAddress: null, notes: null,
    }, { tenantId: 'tenant-proc' });
    await waitFor('succeeded', async () => (await deps.orm.em.fork().findOne(Operation, { id: op }))?.status === 'succeeded', 30_000);
    expect((await groupState())?.members.length).to.be.greaterThan(0);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, output.slice(-2000)).to.equal(0);
    expect(output).to.include('shutting down');
    const state = await groupState();
    expect(state?.members ?? [], 'left the consumer group').to.have.length(0);
  });
});
