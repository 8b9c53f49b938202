import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createContainer, type Deps } from '../../shared/container';
import { AuditSink } from '../../workers/audit-sink/sink';
import { createWormStore, type AuditRecord, type FsWormStoreConfig } from '../../workers/audit-sink/store';
import { createTenantKey, ownTopics, startGateway, testConfig, waitFor, type RunningGateway } from '../support/platform';
import { storedRecords } from '../support/worm-records';

const COMMANDS = 10_000;
const CONCURRENCY = 50;

function acceptedInStore(dir: string, tenantId: string): AuditRecord[] {
  return storedRecords(dir).filter((r) => r.tenantId === tenantId && r.action === 'command.accepted');
}

/**
 * The command.accepted record is committed with its operation row before the 202 and published by an
 * outbox relay (the workers' in production; startGateway's stands in for them here, no worker runs):
 * every 202 has exactly one record in the WORM store.
 */
describe('e2e: 10,000 accepted commands → exactly 10,000 command.accepted records in the WORM store', function () {
  this.timeout(300_000);
  let gw: RunningGateway;
  let sinkDeps: Deps;
  let sink: AuditSink;
  let store: FsWormStoreConfig;
  const tenant = `tenant-acc-${randomUUID().slice(0, 8)}`;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stateset-accepted-'));
    store = {
      kind: 'fs',
      dir: path.join(dir, 'segments'),
      checkpointDir: path.join(dir, 'checkpoints'),
      maxSegmentRecords: 5000,
      maxSegmentAgeMs: 2000,
    };
    // Topics of its own: its 10,000 commands are never applied, and no later test inherits them.
    const own = await ownTopics();
    gw = await startGateway({ ...own, RATE_LIMIT_WRITE_PER_MIN: '10000000' });
    sinkDeps = await createContainer(testConfig(own), 'audit-sink');
    sink = new AuditSink(sinkDeps, createWormStore(store), store);
    await sink.start();
  });
  after(async () => {
    await sink?.stop();
    await sinkDeps?.close();
    await gw?.close();
  });

  it('every 202 has its record, once', async () => {
    const key = await createTenantKey(gw, tenant, 'operator');
    const accepted: string[] = [];
    const other: number[] = [];
    let next = 0;
    const body = JSON.stringify({ customerId: 'acc', currency: 'EUR', items: [{ sku: 'ACC-1', quantity: 1, unitPriceMinor: 1 }] });
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COMMANDS) {
          next++;
          const res = await fetch(`${gw.url}/v1/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key },
            body,
          });
          const json = (await res.json()) as { id: string };
          if (res.status === 202) accepted.push(json.id);
          else other.push(res.status);
        }
      }),
    );
    expect(other, 'non-202 answers').to.have.length(0);
    expect(accepted).to.have.length(COMMANDS);
    await waitFor('all records stored', async () => acceptedInStore(store.dir, tenant).length >= COMMANDS, 240_000);
    await new Promise((r) => setTimeout(r, 1000));
    const records = acceptedInStore(store.dir, tenant);
    expect(records).to.have.length(COMMANDS);
    expect(new Set(records.map((r) => r.operationId))).to.deep.equal(new Set(accepted));
  });
});
