import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initORM } from '../../../shared/orm';
import { isKyselyPatched } from '../../../shared/orm/kysely-patches';
import { testConfig } from '../../support/platform';

const POOL_MAX = 3;

/** Settles within `ms` or rejects naming `what`: a frozen pool must fail the test, not hang it. */
async function within<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The ORM's pool against the real PostgreSQL while this test's own backends are terminated again
 * and again (as in a server restart): transactions fail, but every connection comes back to the
 * pool, so once the terminations stop the ORM answers again. Unpatched kysely 0.29 leaked a
 * connection per failed BEGIN or ROLLBACK and froze after POOL_MAX of them (shared/orm/kysely-patches.ts).
 */
describe('ORM pool under terminated backends (real PostgreSQL)', function () {
  this.timeout(30_000);
  const app = `it-terminated-${randomBytes(4).toString('hex')}`;
  let orm: MikroORM;
  let killer: pg.Client;

  before(async () => {
    const config = testConfig();
    orm = await initORM({ ...config, DATABASE_POOL_MAX: POOL_MAX, DATABASE_APPLICATION_NAME: app });
    killer = new pg.Client({ connectionString: config.DATABASE_URL });
    await killer.connect();
  });
  after(async () => {
    await killer?.end();
    // A pool that froze would hold the close for ever: the test's own failure is the report.
    if (orm) await within('orm close', orm.close(true), 10_000).catch(() => undefined);
  });

  it('is installed once the ORM module is loaded', () => {
    expect(isKyselyPatched()).to.equal(true);
  });

  it('gives every connection back: after 2 s of terminations, transactions and queries answer again', async () => {
    let stop = false;
    let terminated = 0;
    let failed = 0;
    const terminator = (async () => {
      const started = Date.now();
      while (Date.now() - started < 2_000) {
        const { rows } = await killer.query<{ n: string }>(
          'select count(*) filter (where pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = $1',
          [app],
        );
        terminated += Number(rows[0]!.n);
        await new Promise((r) => setTimeout(r, 5));
      }
      stop = true;
    })();
    const transactionsInALoop = async () => {
      while (!stop) {
        try {
          await orm.em.fork().transactional(async (tx) => {
            await tx.execute('select pg_sleep(0.002)');
            await tx.execute('select 1');
          });
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all([terminator, ...Array.from({ length: POOL_MAX * 3 }, transactionsInALoop)]);
    expect(terminated, 'backends terminated').to.be.greaterThan(POOL_MAX);
    expect(failed, 'transactions that failed on a terminated backend').to.be.greaterThan(POOL_MAX);

    const answers = await within(
      `${POOL_MAX * 2} transactions after the terminations (${failed} failed before)`,
      Promise.all(
        Array.from({ length: POOL_MAX * 2 }, () => orm.em.fork().transactional(async (tx) => (await tx.execute<{ one: number }[]>('select 1 as one'))[0]!.one)),
      ),
      10_000,
    );
    expect(answers).to.deep.equal(Array.from({ length: POOL_MAX * 2 }, () => 1));
  });
});
