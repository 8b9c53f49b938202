import { expect } from 'chai';
import request from 'supertest';
import { setupPlatform } from '../../../ops/cli/setup';
import { initORM, PROCESS_ROLES, processRoleName } from '../../../shared/orm';
import { createRedis } from '../../../shared/redis';
import { createTenantKey, startGateway, testConfig, waitFor, type RunningGateway } from '../../support/platform';
import { tlsServiceEnv, unrelatedCa } from '../../support/tls';

/**
 * PostgreSQL with sslmode=verify-full and Redis over rediss:// with AUTH, against the TLS-only servers
 * of ops/infra (pg-tls.sh on 5433, redis-tls.sh on 6380; both refuse plain connections), verified with
 * the test CA that ops/infra/tls.sh made: the whole gateway path runs on them, and a client that
 * cannot verify the server, or has the wrong password, is refused.
 */
describe('hardening: PostgreSQL verify-full and Redis TLS + AUTH, end to end through the gateway', function () {
  this.timeout(90_000);
  let pgUrl: string;
  let redisUrl: string;
  let ca: string;
  let gw: RunningGateway;
  const withSslRootCert = (url: string, file: string) => url.replace(/sslrootcert=[^&]*/, `sslrootcert=${file}`);

  before(async () => {
    pgUrl = tlsServiceEnv('TEST_DATABASE_TLS_URL');
    redisUrl = tlsServiceEnv('TEST_REDIS_TLS_URL');
    ca = tlsServiceEnv('TEST_TLS_CA_FILE');
    await setupPlatform(testConfig({ DATABASE_URL: pgUrl }));
    gw = await startGateway({ DATABASE_URL: pgUrl, REDIS_URL: redisUrl, REDIS_TLS_CA_FILE: ca });
  });
  after(async () => {
    await gw?.close();
    if (!pgUrl) return;
    const orm = await initORM(testConfig({ DATABASE_URL: pgUrl }));
    await orm.em.getConnection().execute(`drop schema if exists "${orm.config.get('schema')}" cascade`);
    // Its process roles (made by setup): the schema that held their grants is gone, so DROP ROLE
    // suffices (the TLS cluster's owner has CREATEROLE, not the superuser's DROP OWNED rights).
    for (const role of PROCESS_ROLES) await orm.em.getConnection().execute(`drop role if exists "${processRoleName(String(orm.config.get('schema')), role)}"`);
    await orm.close(true);
  });

  it('accepts an order and answers its operation with every store connection encrypted', async () => {
    const key = await createTenantKey(gw, 'tls-tenant');
    const accepted = await request(gw.url)
      .post('/v1/orders')
      .set('X-API-Key', key)
      .send({ customerId: 'c-tls', currency: 'EUR', items: [{ sku: 'SKU-TLS', quantity: 1, unitPriceMinor: 100 }] });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
    const op = await request(gw.url).get(accepted.headers.location!).set('X-API-Key', key);
    expect(op.status).to.equal(200);
    // Both the ORM pool and the notification listener (LISTEN) of this gateway are TLS sessions.
    const rows = await waitFor('the listener connection', async () => {
      const r = await gw.deps.orm.em
        .fork()
        .getConnection()
        .execute<{ ssl: boolean; query: string }[]>(
          `select s.ssl, a.query from pg_stat_ssl s join pg_stat_activity a using (pid) where a.usename = 'stateset' and a.datname = 'stateset'`,
        );
      return r.some((x) => /^listen /i.test(x.query)) ? r : undefined;
    });
    expect(
      rows.every((r) => r.ssl === true),
      JSON.stringify(rows),
    ).to.equal(true);
    expect(await gw.deps.redis.ping()).to.equal('PONG');
  });

  it('refuses PostgreSQL without TLS, and a server the client cannot verify', async () => {
    const plain = await initORM(testConfig({ DATABASE_URL: pgUrl.replace(/\?.*$/, '?sslmode=disable') }));
    const unencrypted = await plain.em
      .getConnection()
      .execute('select 1')
      .then(
        () => 'connected',
        (err: Error) => err.message,
      );
    await plain.close(true);
    expect(unencrypted).to.match(/no encryption/);
    const other = await initORM(testConfig({ DATABASE_URL: withSslRootCert(pgUrl, unrelatedCa()) }));
    const unverified = await other.em
      .getConnection()
      .execute('select 1')
      .then(
        () => 'connected',
        (err: Error) => err.message,
      );
    await other.close(true);
    expect(unverified).to.match(/self[- ]signed|unable to (verify|get)/i);
  });

  it('refuses Redis with a wrong password, without the CA, or in plain text', async () => {
    const attempt = async (url: string, caFile?: string) => {
      const r = createRedis(url, 'tls-test:', caFile);
      // The first error the client saw says why (connect() itself may only report the closed socket).
      let first: string | undefined;
      r.on('error', (err: Error) => (first ??= err.message));
      try {
        await r.connect();
        return await r.ping();
      } catch (err) {
        return first ?? (err as Error).message;
      } finally {
        r.disconnect();
      }
    };
    expect(await attempt(redisUrl, ca)).to.equal('PONG');
    expect(await attempt(redisUrl.replace(/:\/\/:[^@]+@/, '://:wrong-password@'), ca)).to.match(/WRONGPASS|invalid password/i);
    expect(await attempt(redisUrl, unrelatedCa())).to.match(/self[- ]signed|unable to (verify|get)/i);
    expect(await attempt(redisUrl.replace('rediss://', 'redis://'))).to.not.equal('PONG');
  });
});
