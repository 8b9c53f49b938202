/**
 * MikroORM 7 runs transactions on kysely 0.29's ControlledTransaction, which releases its pooled
 * connection only after a COMMIT or ROLLBACK that succeeded. When PostgreSQL goes away mid-
 * transaction (a restart, a terminated backend), BEGIN, or the ROLLBACK that follows a failed
 * statement, fails on the dead socket, and the connection is never given back: after
 * DATABASE_POOL_MAX such failures every later query waits for a connection for ever (the fault
 * scenario test/faults/postgres-restart.test.ts froze that way). MikroORM's `transactional()` also
 * calls `begin()` outside its try block, so nothing of ours sees a failed BEGIN's connection.
 *
 * The patch gives a connection back to the pool when BEGIN or ROLLBACK fails (pg-pool then drops a
 * client that is no longer queryable and keeps a healthy one), and makes release idempotent per
 * checkout, so a later release by kysely of the same checkout cannot hand the client back twice
 * (pg-pool throws on that, and worse, a second holder could share the client). A failed COMMIT is
 * left alone: `transactional()` always follows it with ROLLBACK, which then releases.
 * Loaded by shared/orm/init.ts before the ORM exists; test/integration/orm/terminated-backends.test.ts
 * proves the pool survives terminated backends against the real server.
 */
import { PostgresDriver, type TransactionSettings } from 'kysely';

/** kysely's PostgresConnection, which it does not export. */
type DatabaseConnection = Parameters<PostgresDriver['releaseConnection']>[0];

interface Checkout {
  released: boolean;
}

type DriverMethods = Pick<PostgresDriver, 'acquireConnection' | 'releaseConnection' | 'beginTransaction' | 'rollbackTransaction'>;

const PATCHED = Symbol.for('stateset.kysely.releaseOnFailurePatched');
const checkouts = new WeakMap<object, Checkout>();

export function patchKysely(): void {
  const prototype = PostgresDriver.prototype as DriverMethods & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const original: DriverMethods = {
    acquireConnection: prototype.acquireConnection,
    releaseConnection: prototype.releaseConnection,
    beginTransaction: prototype.beginTransaction,
    rollbackTransaction: prototype.rollbackTransaction,
  };
  prototype.acquireConnection = async function (this: PostgresDriver, ...args: Parameters<PostgresDriver['acquireConnection']>) {
    const connection = await original.acquireConnection.apply(this, args);
    checkouts.set(connection, { released: false });
    return connection;
  };
  prototype.releaseConnection = async function (this: PostgresDriver, connection: DatabaseConnection) {
    const checkout = checkouts.get(connection);
    if (checkout?.released) return;
    if (checkout) checkout.released = true;
    await original.releaseConnection.call(this, connection);
  };
  const releasingOnFailure = (step: 'beginTransaction' | 'rollbackTransaction') =>
    async function (this: PostgresDriver, connection: DatabaseConnection, settings?: TransactionSettings) {
      try {
        await (original[step] as (c: DatabaseConnection, s?: TransactionSettings) => Promise<void>).call(this, connection, settings);
      } catch (err) {
        await this.releaseConnection(connection);
        throw err;
      }
    };
  prototype.beginTransaction = releasingOnFailure('beginTransaction');
  prototype.rollbackTransaction = releasingOnFailure('rollbackTransaction');
  prototype[PATCHED] = true;
}

export function isKyselyPatched(): boolean {
  return (PostgresDriver.prototype as { [PATCHED]?: true })[PATCHED] === true;
}
