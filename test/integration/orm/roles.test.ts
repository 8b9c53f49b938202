import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import request from 'supertest';
import { setupPlatform } from '../../../ops/cli/setup';
import { createContainer, type Deps } from '../../../shared/container';
import {
  applyRolePlan,
  connectionOptions,
  initORM,
  OWNER_ONLY_TABLES,
  PROCESS_ROLES,
  processRoleName,
  rolePlan,
  tableOf,
  type ProcessRole,
} from '../../../shared/orm';
import { topicNames } from '../../../schemas/topics';
import { DOMAINS } from '../../../schemas/catalog';
import { DOMAIN_ENTITIES } from '../../../workers/entities';
import { writeIndex } from '../../../workers/audit-sink/audit-index';
import { createTenantKey, startGateway, startWorker, testConfig, waitFor, type RunningGateway, type RunningWorker } from '../../support/platform';

const schema = () => testConfig().DATABASE_SCHEMA;
const domainTables = DOMAINS.flatMap((d) => DOMAIN_ENTITIES[d].map(tableOf).filter((t): t is string => t !== null));

/**
 * The least-privilege roles of shared/orm/role-plan.ts against the real PostgreSQL: the root hook
 * ran `stateset setup` into this run's schema (as `postgres`, the owner), which made the roles.
 * Connections log in as `postgres` and drop to a process role with the startup parameter a process
 * uses (DATABASE_ROLE): after SET ROLE to a plain role, the superuser's rights are gone, so every
 * refusal here is the role's.
 */
describe('least-privilege database roles (real PostgreSQL)', function () {
  this.timeout(60_000);
  const clients: pg.Client[] = [];

  const as = async (role: ProcessRole): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: testConfig().DATABASE_URL,
      options: connectionOptions({ DATABASE_SCHEMA: schema(), DATABASE_ROLE: processRoleName(schema(), role) }),
    });
    await c.connect();
    clients.push(c);
    return c;
  };
  const denied = async (c: pg.Client, sql: string, params: unknown[] = []): Promise<void> => {
    const err = await c.query(sql, params).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(err, `${sql} should be refused`).to.not.equal(null);
    // 42501 insufficient_privilege: "permission denied for table …" and "must be owner of table …" alike.
    expect(err!.code, `${sql}: ${err!.message}`).to.equal('42501');
  };

  before(async () => {
    // Other files run `stateset setup` with topic prefixes of their own (ownTopics), and the outbox's
    // row security names one audit topic: re-apply the plan for this run's.
    const owner = await initORM(testConfig());
    try {
      await applyRolePlan(owner, schema(), topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '').audit);
    } finally {
      await owner.close(true);
    }
  });
  after(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
  });

  it('a connection really runs as the process role, not as the login user', async () => {
    const c = await as('gateway');
    const { rows } = await c.query('select current_user, session_user, (select rolsuper from pg_roles where rolname = current_user) as super');
    expect(rows[0]).to.deep.equal({ current_user: processRoleName(schema(), 'gateway'), session_user: 'postgres', super: false });
  });

  it('every table of the schema is owned by the owner and is either in the plan or the owner’s alone', async () => {
    const owner = await initORM(testConfig());
    try {
      const rows = await owner.em
        .getConnection()
        .execute<{ tablename: string; tableowner: string }[]>('select tablename, tableowner from pg_tables where schemaname = ?', [schema()]);
      const planned = new Set(Object.values(rolePlan()).flatMap((spec) => Object.keys(spec.tables)));
      for (const r of rows) {
        expect(r.tableowner, r.tablename).to.equal('postgres');
        expect(planned.has(r.tablename) || (OWNER_ONLY_TABLES as readonly string[]).includes(r.tablename), `${r.tablename} is in no role's plan`).to.equal(
          true,
        );
      }
      const [s] = await owner.em
        .getConnection()
        .execute<{ owner: string }[]>('select nspowner::regrole::text as owner from pg_namespace where nspname = ?', [schema()]);
      expect(s?.owner).to.equal('postgres');
    } finally {
      await owner.close(true);
    }
  });

  it('the gateway reads every domain table but cannot INSERT, UPDATE or DELETE a domain row', async () => {
    const gw = await as('gateway');
    for (const table of domainTables) {
      await gw.query(`select * from ${table} limit 1`);
      // Privileges are checked before any row is looked at, so these statements need no valid row.
      await denied(gw, `insert into ${table} default values`);
      await denied(gw, `update ${table} set tenant_id = tenant_id`);
      await denied(gw, `delete from ${table}`);
    }
    await denied(gw, 'select * from orders for update');
  });

  it('the gateway writes its own tables, and only the columns it changes', async () => {
    const gw = await as('gateway');
    const tenant = `tenant-roles-${randomUUID()}`;
    const keyId = randomUUID();
    await gw.query('insert into tenants (id, name) values ($1, $1)', [tenant]);
    await gw.query(
      `insert into api_keys (id, tenant_id, key_id, secret_hash, name, role, permissions, created_by, redacted)
       values ($1, $2, $3, 'h', 'k', 'viewer', '{}', 'test', 'sk_…')`,
      [keyId, tenant, keyId],
    );
    await gw.query('update api_keys set last_used_at = now(), revoked_at = now(), secret_hash = $2 where id = $1', [keyId, 'h2']);
    await denied(gw, `update api_keys set permissions = '{orders:write}' where id = $1`, [keyId]);
    await denied(gw, 'update api_keys set tenant_id = $2 where id = $1', [keyId, 'other']);
    await denied(gw, 'delete from api_keys where id = $1', [keyId]);
    const op = randomUUID();
    await gw.query(
      `insert into operations (id, tenant_id, type, status, principal, created_at, updated_at) values ($1, $2, 'order.create.v1', 'accepted', 'test', now(), now())`,
      [op, tenant],
    );
    await denied(gw, `update operations set status = 'succeeded' where id = $1`, [op]);
    await denied(gw, `update operations set type = 'x' where id = $1`, [op]);
    // Row security: the gateway inserts only accepted rows and moves only an accepted row, only to cancelled.
    await denied(
      gw,
      `insert into operations (id, tenant_id, type, status, principal, created_at, updated_at) values ($1, $2, 'order.create.v1', 'succeeded', 'test', now(), now())`,
      [randomUUID(), tenant],
    );
    expect((await gw.query(`update operations set status = 'cancelled', updated_at = now() where id = $1`, [op])).rowCount).to.equal(1);
    expect(
      (await gw.query(`update operations set status = 'cancelled', updated_at = now() where id = $1`, [op])).rowCount,
      'a final row is out of reach',
    ).to.equal(0);
    await denied(gw, `delete from operations where id = $1`, [op]);
    await gw.query('select * from events limit 1');
    await denied(gw, `delete from events`);
    await gw.query(
      `insert into idempotency_keys (tenant_id, principal, key, fingerprint, operation_id, created_at, expires_at) values ($1, 'p', 'k', 'f', $2, now(), now())`,
      [tenant, op],
    );
    await gw.query(`update idempotency_keys set status_code = 202 where tenant_id = $1`, [tenant]);
    await gw.query(`delete from idempotency_keys where tenant_id = $1`, [tenant]);
    // The outbox: the gateway adds audit records for the audit topic (its id from the serial's
    // sequence) and nothing else — no event for a worker's relay to publish, no marking sent.
    const auditTopic = topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '').audit;
    const { rows } = await gw.query(
      // Inserted as already sent, so that no relay of a later test tries to publish the dummy payload.
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at, published_at)
       values ($1, 'k', 'audit', 'audit/AuditRecord.avsc', '{}', '{}', now(), now()) returning id`,
      [auditTopic],
    );
    expect(rows[0].id).to.match(/^\d+$/);
    const events = topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '').events('orders');
    await denied(
      gw,
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at) values ($1, 'k', 'OrderCreated', 'f', '{}', '{}', now())`,
      [events],
    );
    await denied(
      gw,
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at) values ($1, 'k', 'OrderCreated', 'f', '{}', '{}', now())`,
      [auditTopic],
    );
    await denied(gw, 'update outbox set publish_attempts = publish_attempts + 1, published_at = now() where id = $1', [rows[0].id]);
    await denied(gw, `update outbox set payload = '{"x":1}' where id = $1`, [rows[0].id]);
    await denied(gw, 'delete from outbox where id = $1', [rows[0].id]);
    // A worker's rows (events) are not even visible to it.
    const orders = await as('orders');
    await orders.query(
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at, published_at) values ($1, 'k', 'OrderCreated', 'f', '{}', '{}', now(), now())`,
      [events],
    );
    expect((await gw.query('select count(*)::int as n from outbox where topic = $1', [events])).rows[0].n).to.equal(0);
    expect((await orders.query('select count(*)::int as n from outbox where topic = $1', [events])).rows[0].n).to.be.greaterThan(0);
    await denied(
      gw,
      `insert into audit_events (event_id, occurred_at, action, outcome, kafka_partition, kafka_offset) values ($1, now(), 'a', 'success', 0, 0)`,
      [randomUUID()],
    );
    await denied(gw, 'select * from inbox');
    await denied(gw, 'select * from mikro_orm_migrations');
  });

  it('no process role can ALTER, DROP, TRUNCATE or CREATE: only the owner changes the schema', async () => {
    const owner = await initORM(testConfig());
    const tables = (await owner.em.getConnection().execute<{ tablename: string }[]>('select tablename from pg_tables where schemaname = ?', [schema()])).map(
      (r) => r.tablename,
    );
    await owner.close(true);
    expect(tables).to.include.members([...domainTables, 'operations', 'outbox', 'api_keys', 'audit_events', 'mikro_orm_migrations']);
    for (const role of PROCESS_ROLES) {
      const c = await as(role);
      for (const table of tables) {
        await denied(c, `alter table ${table} add column roles_test int`);
        await denied(c, `drop table ${table}`);
        await denied(c, `truncate ${table}`);
      }
      await denied(c, 'create table roles_test (a int)');
      await denied(c, 'drop function published_orders()');
      await denied(c, `drop schema ${schema()} cascade`);
      await denied(c, 'alter sequence outbox_id_seq restart');
      await c.end();
    }
  });

  it('a worker writes its own domain and not another’s; a reader of orders reads them and cannot lock or write them', async () => {
    const orders = await as('orders');
    const id = randomUUID();
    await orders.query(
      `insert into orders (id, tenant_id, status, customer_id, currency, items, total_minor, created_at, updated_at)
       values ($1, 'tenant-roles', 'delivered', 'c', 'EUR', '[{"sku":"R-1","quantity":1,"unitPriceMinor":1}]', 1, now(), now())`,
      [id],
    );
    await orders.query(`update orders set notes = 'n' where id = $1`, [id]);
    await denied(orders, 'delete from orders where id = $1', [id]);
    await denied(orders, 'insert into returns default values');
    await denied(orders, 'update inventory_balances set reserved = 0');
    await denied(orders, 'select * from api_keys');

    const returns = await as('returns');
    const { rows } = await returns.query('select id, status from published_orders() where id = $1', [id]);
    expect(rows).to.deep.equal([{ id, status: 'delivered' }]);
    await denied(returns, 'update orders set notes = null where id = $1', [id]);
    await denied(returns, 'select id from orders where id = $1 for update', [id]);
    await denied(returns, 'select * from idempotency_keys');
    // Inventory does not read orders at all.
    await denied(await as('inventory'), 'select * from published_orders()');

    // A process hosting several domains (`worker`) has each domain's rights, and still none to delete.
    const worker = await as('worker');
    await worker.query(`update orders set notes = 'w' where id = $1`, [id]);
    await worker.query(`update returns set reason = reason where false`);
    await denied(worker, 'delete from orders where id = $1', [id]);
    await denied(worker, 'update api_keys set revoked_at = now()');
  });

  it('the audit sink writes the audit index and nothing else', async () => {
    const sink = await as('audit_sink');
    await sink.query(
      `insert into audit_events (event_id, occurred_at, action, outcome, kafka_partition, kafka_offset) values ($1, now(), 'roles.test', 'success', 0, 0) on conflict (event_id) do nothing`,
      [randomUUID()],
    );
    await denied(sink, `delete from audit_events where action = 'roles.test'`);
    await denied(sink, `update audit_events set outcome = 'failure'`);
    await denied(
      sink,
      `insert into outbox (topic, message_key, record_name, schema_file, payload, headers, created_at) values ('t', 'k', 'r', 'f', '{}', '{}', now())`,
    );
    await denied(sink, 'select * from operations');
  });

  it('setup is idempotent and converges on the plan: a grant made by hand is taken back on the next run', async () => {
    const owner = await initORM(testConfig());
    try {
      await owner.em.getConnection().execute(`grant delete on orders to ${processRoleName(schema(), 'gateway')}`);
      expect(await applyRolePlan(owner, schema(), topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '').audit)).to.deep.equal([]);
      await denied(await as('gateway'), 'delete from orders');
      const report = await setupPlatform(testConfig({ DATABASE_ROLE: processRoleName(schema(), 'gateway') }));
      // Setup ignores DATABASE_ROLE: it runs as the owner (else the migrations and grants would fail).
      expect(report.rolesCreated).to.deep.equal([]);
    } finally {
      await owner.close(true);
    }
  });

  it('setup refuses a process role that was made a superuser (or any role with powers beyond table grants)', async () => {
    const owner = await initORM(testConfig());
    const role = processRoleName(schema(), 'audit_sink');
    try {
      await owner.em.getConnection().execute(`alter role ${role} createrole`);
      await expect(applyRolePlan(owner, schema(), topicNames(process.env.KAFKA_TOPIC_PREFIX ?? '').audit)).to.be.rejectedWith(
        /must be plain roles.*audit_sink/,
      );
    } finally {
      await owner.em.getConnection().execute(`alter role ${role} nocreaterole`);
      await owner.close(true);
    }
  });
});

/** The real code paths under their roles: a command through the gateway, applied by workers, read back; the audit index written by the sink's code. */
describe('processes under their least-privilege roles (real PostgreSQL, Kafka, Redis)', function () {
  this.timeout(120_000);
  let gw: RunningGateway;
  const workers: RunningWorker[] = [];
  let sinkDeps: Deps;
  let key: string;
  const WORKER_DOMAINS = ['orders', 'inventory', 'returns'] as const;
  const role = (r: ProcessRole) => ({ DATABASE_ROLE: processRoleName(schema(), r) });
  const api = () => request(gw.url);

  before(async () => {
    gw = await startGateway(role('gateway'), undefined, { relay: false }); // as in production: the workers' relays publish its rows;
    for (const d of WORKER_DOMAINS) workers.push(await startWorker(d, role(d)));
    sinkDeps = await createContainer(testConfig(role('audit_sink')), 'audit-sink');
    // Tenant and key through the gateway's own ORM and key store: as the gateway role.
    key = await createTenantKey(gw, 'tenant-roles-flow');
  });
  after(async () => {
    await sinkDeps?.close();
    for (const w of workers) await w.close();
    await gw?.close();
  });

  const done = async (res: request.Response) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(202);
    const op = await api().get(String(res.headers.location)).set('X-API-Key', key).set('Prefer', 'wait=25');
    expect(op.body.done, JSON.stringify(op.body)).to.equal(true);
    return op.body as { status: string; resource?: { id: string }; error?: unknown };
  };

  it('the gateway and the workers do their work: stock, an order (idempotently), its reservation, a return, a rotated key', async () => {
    const [me] = await gw.deps.orm.em.getConnection().execute<{ user: string }[]>('select current_user as user');
    expect(me?.user).to.equal(processRoleName(schema(), 'gateway'));

    expect((await done(await api().post('/v1/inventory/items').set('X-API-Key', key).send({ sku: 'ROLE-1', name: 'Role widget' }))).status).to.equal(
      'succeeded',
    );
    expect(
      (await done(await api().post('/v1/inventory/items/ROLE-1/adjustments').set('X-API-Key', key).send({ delta: 5, reason: 'received' }))).status,
    ).to.equal('succeeded');
    const body = { customerId: 'c1', currency: 'EUR', items: [{ sku: 'ROLE-1', quantity: 2, unitPriceMinor: 100 }] };
    const first = await api().post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'roles-order-1').send(body);
    const op = await done(first);
    expect(op.status, JSON.stringify(op)).to.equal('succeeded');
    const again = await api().post('/v1/orders').set('X-API-Key', key).set('Idempotency-Key', 'roles-order-1').send(body);
    expect(again.body.id).to.equal(first.body.id);
    const orderId = op.resource!.id;
    await waitFor('reservation', async () => (await api().get(`/v1/inventory/reservations?orderId=${orderId}`).set('X-API-Key', key)).body.data[0]);
    expect((await api().get(`/v1/orders/${orderId}`).set('X-API-Key', key)).body).to.include({ id: orderId, status: 'pending' });
    // The returns worker reads the order through published_orders() (refused: it was never delivered).
    const ret = await done(
      await api()
        .post('/v1/returns')
        .set('X-API-Key', key)
        .send({ orderId, lines: [{ sku: 'ROLE-1', quantity: 1 }], reason: 'broken' }),
    );
    expect(ret.status, JSON.stringify(ret)).to.equal('failed');
    expect((ret.error as { status: number }).status, JSON.stringify(ret.error)).to.be.oneOf([409, 422]);
    for (const [i, w] of workers.entries()) {
      const [u] = await w.deps.orm.em.getConnection().execute<{ user: string }[]>('select current_user as user');
      expect(u?.user).to.equal(processRoleName(schema(), WORKER_DOMAINS[i]!));
    }

    const keys = await api().get('/v1/api-keys').set('X-API-Key', key);
    expect(keys.status).to.equal(200);
    const rotated = await api().post(`/v1/api-keys/${keys.body.data[0].id}/rotate`).set('X-API-Key', key).send({});
    expect(rotated.status, JSON.stringify(rotated.body)).to.be.oneOf([200, 201]);
  });

  it('the audit sink indexes records under its role', async () => {
    const [me] = await sinkDeps.orm.em.getConnection().execute<{ user: string }[]>('select current_user as user');
    expect(me?.user).to.equal(processRoleName(schema(), 'audit_sink'));
    const eventId = randomUUID();
    await writeIndex(sinkDeps.orm, [
      {
        partition: 0,
        offset: '987654',
        record: { eventId, occurredAt: new Date().toISOString(), action: 'roles.test', outcome: 'success' },
      } as never,
    ]);
    const [row] = await sinkDeps.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from audit_events where event_id = ?', [eventId]);
    expect(Number(row?.n)).to.equal(1);
  });
});
