import { execFile } from 'node:child_process';
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { createKafka, kafkaOptions, toKafkaHeaders } from '../../../shared/kafka';
import { createLogger } from '../../../shared/logger';
import { AuditEvent, initORM } from '../../../shared/orm';
import { topicNames } from '../../../schemas/topics';
import { keyIdOf } from '../../../workers/audit-sink/store/checkpoint';
import { workerGroupId } from '../../../shared/worker';
import { ownTopics, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';

const ROOT = path.join(__dirname, '..', '..', '..');
/** The package's bin, as `npx stateset` runs it: the launcher, then the compiled CLI in dist/. */
const BIN = path.join(ROOT, 'ops/cli/bin/stateset');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as its own process (never spawnSync: the gateway it talks to lives in this one). */
function stateset(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function json<T = Record<string, unknown>>(args: string[], env: Record<string, string> = {}, expectedCode = 0): Promise<T> {
  const r = await stateset([...args, '--json'], env);
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).to.equal(expectedCode);
  return JSON.parse(r.stdout) as T;
}

describe('stateset CLI (the built package bin, as a process)', function () {
  this.timeout(180_000);
  const run = randomBytes(3).toString('hex');

  before(() => {
    expect(existsSync(path.join(ROOT, 'dist/ops/cli/main.js')), 'npm run build first (pretest:integration does)').to.equal(true);
  });

  describe('usage errors: exit 2, a message naming the problem on stderr, nothing on stdout', () => {
    const uuid = randomUUID();
    const cases: [string[], RegExp][] = [
      [[], /Usage: stateset/],
      [['bogus'], /unknown command 'bogus'/],
      [['keys'], /Usage: stateset keys/],
      [['setup', '--bogus'], /unknown option '--bogus'/],
      [['doctor', '--for', 'everything'], /--for <process>.*everything.*invalid/],
      [['tenants', 'create'], /required option '--tenant <id>'/],
      [['tenants', 'create', '--tenant', 'a b'], /argument 'a b' is invalid/],
      [['tenants', 'list', 'extra'], /too many arguments/],
      [['keys', 'create', '--tenant', 't', '--role', 'root'], /--role <role>.*'root' is invalid/],
      [['keys', 'create', '--tenant', 't', '--role', 'admin', '--expires-in-days', '3O'], /--expires-in-days <n>.*'3O' is invalid/],
      [['keys', 'list'], /required option '--tenant <id>'/],
      [['keys', 'rotate', '--tenant', 't', '--id', 'not-a-uuid'], /'not-a-uuid' is invalid/],
      [['keys', 'revoke', '--tenant', 't'], /required option '--id <uuid>'/],
      [['audit', 'verify', '--store', 'ftp'], /--store <kind>.*'ftp' is invalid/],
      [['audit', 'proof', 'nope'], /'nope' is invalid for argument 'event-id'/],
      [['audit', 'public-key', '--public-key', 'x.pem'], /unknown option '--public-key'/],
      [['audit', 'tail', '--count', '0'], /--count <n>.*'0' is invalid/],
      [['dlq', 'list'], /required option '--domain <domain>'/],
      [['dlq', 'show', '--domain', 'orders', '--partition', '0', '--offset', '-1'], /--offset <n>.*'-1' is invalid/],
      [['dlq', 'replay', '--domain', 'payments'], /--domain <domain>.*'payments' is invalid/],
      [['operations', 'get', 'nope'], /'nope' is invalid for argument 'id'/],
      [['operations', 'get', uuid], /an API key is required/],
      [['operations', 'wait', uuid, '--timeout', '0', '--api-key', 'k'.repeat(20)], /--timeout <s>.*'0' is invalid/],
      [['operations', 'list', '--status', 'done', '--api-key', 'k'.repeat(20)], /--status <status>.*'done' is invalid/],
      [['operations', 'list', '--created-after', 'yesterday', '--api-key', 'k'.repeat(20)], /--created-after <time>.*'yesterday' is invalid/],
      [['operations', 'list', '--url', 'ftp://x', '--api-key', 'k'.repeat(20)], /--url <url>.*'ftp:\/\/x' is invalid/],
      [['operations', 'cancel'], /missing required argument 'id'/],
      [['topics', 'status', '--group', 'a b'], /--group <id>.*'a b' is invalid/],
      [['webhooks', 'list', '--limit', '101', '--api-key', 'k'.repeat(20)], /--limit <n>.*'101' is invalid/],
      [['webhooks', 'deliveries', uuid, '--status', 'lost', '--api-key', 'k'.repeat(20)], /--status <status>.*'lost' is invalid/],
      [['worker', '--domains', 'payments'], /unknown domain\(s\): payments/],
    ];
    for (const [args, message] of cases) {
      it(`stateset ${args.join(' ') || '(nothing)'}`, async () => {
        const r = await stateset(args, { STATESET_API_KEY: '' });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(message);
        if (args[0] !== 'worker') expect(r.stdout).to.equal('');
      });
    }

    it('--help for every command: exit 0, its options and the exit codes', async () => {
      for (const cmd of [
        ['keys', 'rotate'],
        ['operations', 'wait'],
        ['dlq', 'show'],
        ['topics', 'status'],
        ['audit', 'tail'],
        ['webhooks', 'deliveries'],
      ]) {
        const r = await stateset([...cmd, '--help']);
        expect(r.code, cmd.join(' ')).to.equal(0);
        expect(r.stdout)
          .to.include(`Usage: stateset ${cmd.join(' ')}`)
          .and.include('--json')
          .and.include('Exit codes:');
      }
    });
  });

  describe('tenants and keys (PostgreSQL)', () => {
    const tenant = `cli-${run}`;

    it('tenants create | list: the new tenant once; a second create is refused (exit 1)', async () => {
      expect(await json(['tenants', 'create', '--tenant', tenant, '--name', 'CLI tenant'])).to.include({ id: tenant, name: 'CLI tenant' });
      const again = await stateset(['tenants', 'create', '--tenant', tenant]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(/exists already/);
      const listed = await json<{ id: string; name: string; createdAt: string }[]>(['tenants', 'list']);
      expect(listed.find((t) => t.id === tenant)).to.include({ name: 'CLI tenant' });
    });

    it('keys create | list | rotate | revoke: the secret printed once, never listed', async () => {
      const created = await json<{ id: string; key: string; state: string; role: string }>(['keys', 'create', '--tenant', tenant, '--role', 'viewer']);
      expect(created).to.include({ role: 'viewer', state: 'active' });
      expect(created.key).to.be.a('string').with.length.above(20);
      const text = await stateset(['keys', 'list', '--tenant', tenant]);
      expect(text.code).to.equal(0);
      expect(text.stdout).to.include(created.id).and.not.include(created.key);
      const rotated = await json<{ id: string; key: string; rotatedFrom: string; previous: { id: string; revokesAt: string } }>([
        'keys',
        'rotate',
        '--tenant',
        tenant,
        '--id',
        created.id,
      ]);
      expect(rotated.rotatedFrom).to.equal(created.id);
      expect(rotated.previous.id).to.equal(created.id);
      expect(rotated.key).to.not.equal(created.key);
      expect(new Date(rotated.previous.revokesAt).getTime()).to.be.above(Date.now());
      const twice = await stateset(['keys', 'rotate', '--tenant', tenant, '--id', created.id]);
      expect(twice.code).to.equal(1);
      expect(twice.stderr).to.match(/already revoked or rotated/);
      expect(await json(['keys', 'revoke', '--tenant', tenant, '--id', rotated.id])).to.include({ id: rotated.id, state: 'revoked' });
      const keys = await json<{ id: string; state: string }[]>(['keys', 'list', '--tenant', tenant]);
      expect(keys.map((k) => [k.id, k.state])).to.deep.equal([
        [created.id, 'rotating'],
        [rotated.id, 'revoked'],
      ]);
      expect(JSON.stringify(keys)).to.not.include(created.key).and.not.include(rotated.key);
      const missing = await stateset(['keys', 'revoke', '--tenant', tenant, '--id', randomUUID()]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/not found/);
    });
  });

  describe('operations and webhooks (HTTP, against a running gateway and worker)', () => {
    let gw: RunningGateway;
    let worker: RunningWorker | null = null;
    let env: Record<string, string>;
    const tenant = `cli-ops-${run}`;

    before(async () => {
      gw = await startGateway();
      // A key made by the CLI itself is the one the HTTP commands use.
      const { key } = await json<{ key: string }>(['keys', 'create', '--tenant', tenant, '--role', 'admin']);
      env = { STATESET_URL: gw.url, STATESET_API_KEY: key };
    });
    after(async () => {
      await worker?.close();
      await gw?.close();
    });

    const submitItem = async (sku: string) => {
      const res = await fetch(`${gw.url}/v1/inventory/items`, {
        method: 'POST',
        headers: { 'x-api-key': env.STATESET_API_KEY!, 'content-type': 'application/json' },
        body: JSON.stringify({ sku, name: `CLI ${sku}` }),
      });
      expect(res.status).to.equal(202);
      return ((await res.json()) as { id: string }).id;
    };

    it('operations cancel | wait | get | list, with the exit code of the outcome', async () => {
      // No inventory worker yet: the commands stay accepted.
      const cancelled = await submitItem(`CLI-C-${run}`);
      const pending = await submitItem(`CLI-P-${run}`);
      expect(await json(['operations', 'cancel', cancelled], env)).to.include({ id: cancelled, status: 'cancelled', done: true });
      expect(await json(['operations', 'wait', cancelled], env, 1)).to.include({ status: 'cancelled' });
      const waited = await stateset(['operations', 'wait', pending, '--timeout', '2', '--json'], env);
      expect(waited.code, waited.stderr).to.equal(4);
      expect(JSON.parse(waited.stdout)).to.include({ id: pending, status: 'accepted', done: false });

      worker = await startWorker('inventory');
      const succeeded = await submitItem(`CLI-S-${run}`);
      const done = await json<{ status: string; type: string; resource: { id: string } }>(['operations', 'wait', succeeded, '--timeout', '60'], env);
      expect(done).to.include({ status: 'succeeded', type: 'inventory.item.create.v1' });
      expect(done.resource.id).to.equal(`CLI-S-${run}`);
      expect(await json(['operations', 'get', succeeded], env)).to.deep.equal(await json(['operations', 'get', succeeded], env));
      const text = await stateset(['operations', 'get', succeeded], env);
      expect(text.stdout).to.match(new RegExp(`^${succeeded}\\s+succeeded\\s+inventory.item.create.v1`));

      type Page = { data: { id: string; status: string }[]; nextCursor: string | null };
      expect((await json<Page>(['operations', 'list', '--status', 'cancelled'], env)).data.map((o) => o.id)).to.deep.equal([cancelled]);
      expect((await json<Page>(['operations', 'list', '--resource-id', `CLI-S-${run}`], env)).data.map((o) => o.id)).to.deep.equal([succeeded]);
      const first = await json<Page>(['operations', 'list', '--type', 'inventory.item.create.v1', '--limit', '1'], env);
      expect(first.data).to.have.length(1);
      expect(first.nextCursor).to.be.a('string');
      const second = await json<Page>(['operations', 'list', '--limit', '1', '--cursor', first.nextCursor!], env);
      expect(second.data[0]!.id).to.not.equal(first.data[0]!.id);
      const all = await json<Page>(['operations', 'list', '--limit', '1', '--all'], env);
      expect(all.data.map((o) => o.id).sort()).to.deep.equal([cancelled, pending, succeeded].sort());
      expect(all.nextCursor).to.equal(null);
      const later = new Date(Date.now() + 60_000).toISOString();
      expect((await json<Page>(['operations', 'list', '--created-after', later], env)).data).to.deep.equal([]);

      // The API's answers: a 404 and a 409 are exit 1 with the problem's title; no gateway is exit 3.
      const missing = await stateset(['operations', 'get', randomUUID()], env);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/answered 404/);
      const applied = await stateset(['operations', 'cancel', succeeded], env);
      expect(applied.code).to.equal(1);
      expect(applied.stderr).to.match(/answered 409/);
      const wrongKey = await stateset(['operations', 'list'], { ...env, STATESET_API_KEY: `sk_test_${'x'.repeat(40)}` });
      expect(wrongKey.code).to.equal(1);
      expect(wrongKey.stderr)
        .to.match(/answered 401/)
        .and.not.include('x'.repeat(40));
      const down = await stateset(['operations', 'list', '--url', 'http://127.0.0.1:1'], env);
      expect(down.code).to.equal(3);
      expect(down.stderr).to.match(/could not be reached/);
    });

    it('topics status: the inventory worker group, its partitions and its lag falling to 0', async () => {
      const config = testConfig();
      const group = workerGroupId(config.KAFKA_TOPIC_PREFIX, 'inventory');
      type Status = {
        group: string;
        state: string;
        members: number;
        lag: number;
        partitions: { topic: string; partition: number; lag: number; end: string }[];
      }[];
      const status = await waitFor(
        'the worker group to catch up',
        async () => {
          const s = await json<Status>(['topics', 'status', '--group', group]);
          return s[0] && s[0].lag === 0 && s[0].partitions.length > 0 ? s : null;
        },
        60_000,
      );
      expect(status).to.have.length(1);
      expect(status[0]).to.include({ group, state: 'Stable', members: 1 });
      expect(status[0]!.partitions.map((p) => p.topic)).to.include(topicNames(config.KAFKA_TOPIC_PREFIX).commands('inventory'));
      const everything = await json<Status>(['topics', 'status']);
      expect(everything.every((g) => g.group.startsWith(`${config.KAFKA_TOPIC_PREFIX}stateset.`))).to.equal(true);
    });

    it('webhooks list | deliveries', async () => {
      const res = await fetch(`${gw.url}/v1/webhooks`, {
        method: 'POST',
        headers: { 'x-api-key': env.STATESET_API_KEY!, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://hooks.example.com/stateset-cli', events: ['operation.succeeded'] }),
      });
      expect(res.status).to.equal(201);
      const created = (await res.json()) as { id: string; secret: string };
      const listed = await json<{ data: { id: string; url: string; status: string }[]; nextCursor: string | null }>(['webhooks', 'list'], env);
      expect(listed.data.map((e) => [e.id, e.url, e.status])).to.deep.equal([[created.id, 'https://hooks.example.com/stateset-cli', 'enabled']]);
      expect(JSON.stringify(listed)).to.not.include(created.secret);
      expect(await json(['webhooks', 'deliveries', created.id, '--status', 'failed'], env)).to.deep.equal({ data: [], nextCursor: null });
      const other = await stateset(['webhooks', 'deliveries', randomUUID()], env);
      expect(other.code).to.equal(1);
      expect(other.stderr).to.match(/answered 404/);
    });
  });

  describe('dlq list | show | replay --dry-run (Kafka, topics of their own)', () => {
    let overrides: Record<string, string>;
    before(async () => {
      overrides = await ownTopics();
      const config = testConfig(overrides);
      const kafka = createKafka(kafkaOptions(config, 'cli-test-dlq'), createLogger('cli-test', 'error'));
      const producer = kafka.producer();
      await producer.connect();
      const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
      await producer.send({
        topic: topics.dlq('returns'),
        messages: [1, 2].map((n) => ({
          key: `key-${n}`,
          value: Buffer.from(`not avro ${n}`),
          headers: toKafkaHeaders({
            'operation-id': `00000000-0000-4000-8000-00000000000${n}`,
            'command-type': 'return.request.v1',
            'dlq-reason': `poison ${n}`,
            'dlq-original-topic': topics.commands('returns'),
            'dlq-original-offset': String(n),
          }),
        })),
      });
      await producer.disconnect();
    });

    it('lists both letters, shows one whole (undecodable payload named), and a dry run sends nothing', async () => {
      type Listed = { domain: string; total: number; letters: { partition: number; offset: string; reason: string; replayed: boolean; operationId: string }[] };
      const listed = await json<Listed>(['dlq', 'list', '--domain', 'returns'], overrides);
      expect(listed.total).to.equal(2);
      expect(listed.letters.map((l) => [l.reason, l.replayed]).sort()).to.deep.equal([
        ['poison 1', false],
        ['poison 2', false],
      ]);
      const one = listed.letters.find((l) => l.reason === 'poison 2')!;
      const shown = await json<{ reason: string; key: string; headers: Record<string, string>; value: unknown; decodeError: string; valueBase64: string }>(
        ['dlq', 'show', '--domain', 'returns', '--partition', String(one.partition), '--offset', one.offset],
        overrides,
      );
      expect(shown).to.include({ reason: 'poison 2', key: 'key-2', value: null });
      expect(shown.headers['dlq-original-offset']).to.equal('2');
      expect(shown.decodeError).to.be.a('string');
      expect(Buffer.from(shown.valueBase64, 'base64').toString()).to.equal('not avro 2');
      const absent = await stateset(['dlq', 'show', '--domain', 'returns', '--partition', String(one.partition), '--offset', '999'], overrides);
      expect(absent.code).to.equal(1);
      expect(absent.stderr).to.match(/no dead letter at/);
      const dry = await json<{ dryRun: boolean; letters: unknown[]; replayed: number }>(['dlq', 'replay', '--domain', 'returns', '--dry-run'], overrides);
      expect(dry).to.include({ dryRun: true, replayed: 0 });
      expect(dry.letters).to.have.length(2);
      expect((await json<Listed>(['dlq', 'list', '--domain', 'returns', '--pending'], overrides)).total).to.equal(2);
    });
  });

  describe('audit public-key | verify | tail', () => {
    let root: string;
    let env: Record<string, string>;
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    before(async () => {
      root = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-audit-'));
      await fsp.mkdir(path.join(root, 'audit'), { recursive: true });
      await fsp.mkdir(path.join(root, 'checkpoints'), { recursive: true });
      await fsp.writeFile(path.join(root, 'signing.pem'), pem, { mode: 0o600 });
      env = {
        AUDIT_STORE: 'fs',
        AUDIT_DIR: path.join(root, 'audit'),
        AUDIT_CHECKPOINT_DIR: path.join(root, 'checkpoints'),
        AUDIT_SIGNING_KEY_PATH: path.join(root, 'signing.pem'),
      };
    });
    after(async () => fsp.rm(root, { recursive: true, force: true }));

    it('public-key gives the pinned key and its id; verify checks the store with it', async () => {
      const { keyId, pem: pub } = await json<{ keyId: string; pem: string }>(['audit', 'public-key'], env);
      expect(keyId).to.equal(keyIdOf(createPublicKey(createPrivateKey(pem))));
      expect(pub)
        .to.match(/^-----BEGIN PUBLIC KEY-----/)
        .and.not.match(/PRIVATE/);
      const text = await stateset(['audit', 'public-key'], env);
      expect(text.stdout).to.equal(pub);
      expect(text.stderr).to.include(`key id ${keyId}`);
      await fsp.writeFile(path.join(root, 'pinned.pem'), pub);
      const verified = await json<{ ok: boolean; records: number }>(['audit', 'verify', '--no-anchors', '--public-key', path.join(root, 'pinned.pem')], env);
      expect(verified).to.include({ ok: true, records: 0 });
    });

    it('tail prints the latest indexed records of a tenant, and --follow the new ones', async () => {
      const tenant = `cli-audit-${run}`;
      const gwConfig = testConfig();
      const orm = await initORM(gwConfig);
      const partition = 1000 + Math.floor(Math.random() * 1000);
      const row = (n: number, action: string) => ({
        eventId: randomUUID(),
        tenantId: tenant,
        occurredAt: new Date(Date.now() - 10_000 + n),
        principal: 'cli-test',
        action,
        resourceType: 'api_key',
        resourceId: `r${n}`,
        outcome: 'success',
        requestId: null,
        operationId: null,
        sourceIp: null,
        userAgent: null,
        details: JSON.stringify({ n }),
        kafkaPartition: partition,
        kafkaOffset: String(n),
      });
      try {
        await orm.em.fork().insertMany(AuditEvent, [row(1, 'api_key.created'), row(2, 'api_key.revoked'), row(3, 'api_key.created')]);
        const last = await json<{ action: string; details: { n: number } }[]>(['audit', 'tail', '--tenant', tenant, '--count', '2']);
        expect(last.map((l) => l.details.n)).to.deep.equal([2, 3]);
        expect((await json<unknown[]>(['audit', 'tail', '--tenant', tenant, '--action', 'api_key.revoked'])).length).to.equal(1);

        const child = execFile(BIN, ['audit', 'tail', '--tenant', tenant, '--count', '1', '--follow', '--interval', '200', '--json'], {
          cwd: ROOT,
          env: process.env,
        });
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        try {
          await waitFor('the first line', async () => out.includes('\n'), 30_000);
          await orm.em.fork().insert(AuditEvent, row(4, 'api_key.rotated'));
          await waitFor('the followed record', async () => out.includes('api_key.rotated'), 30_000);
          const lines = out
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as { details: { n: number } });
          expect(lines.map((l) => l.details.n)).to.deep.equal([3, 4]);
        } finally {
          child.kill('SIGINT');
        }
      } finally {
        await orm.close(true);
      }
    });
  });
});
