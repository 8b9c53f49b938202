import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ConfigError } from '../errors';
import { PROCESS_ROLES, processRoleName, rolePlan, type Privilege, type ProcessRole } from './role-plan';

/** Serialises role set-ups (CREATE ROLE and GRANT race on the catalogs) across every schema of the cluster. */
const ROLES_LOCK_ID = 7_301_913_457;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Double-quoted after a check, so a name can never carry SQL (names come from code and the validated schema). */
function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
}

function privilegeSql(p: Privilege): string {
  const cols = /^update\((.+)\)$/.exec(p);
  if (!cols) return p.toUpperCase();
  return `UPDATE (${cols[1]!
    .split(',')
    .map((c) => ident(c.trim()))
    .join(', ')})`;
}

/**
 * Creates the schema's process roles if missing and gives each exactly what the plan says
 * (shared/orm/role-plan.ts): everything it had on the schema's tables and sequences is revoked
 * first, so a re-run converges on the plan, also after the plan took something away. Runs as the
 * owner of the schema (the user that ran the migrations), which keeps ALTER and DROP to itself.
 * Returns the roles it created.
 */
export async function applyRolePlan(orm: MikroORM, schema: string, auditTopic: string): Promise<string[]> {
  const plan = rolePlan();
  const names = PROCESS_ROLES.map((r) => processRoleName(schema, r));
  const s = ident(schema);
  return orm.em.fork().transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [ROLES_LOCK_ID]);
    const created = await ensureRoles(tx, names);
    const tables = new Set(
      (await tx.execute<{ tablename: string }[]>('select tablename from pg_tables where schemaname = ?', [schema])).map((r) => r.tablename),
    );
    for (const role of PROCESS_ROLES) {
      const r = ident(processRoleName(schema, role));
      const spec = plan[role];
      await tx.execute(`revoke all on all tables in schema ${s} from ${r}`);
      await tx.execute(`revoke all on all sequences in schema ${s} from ${r}`);
      await tx.execute(`revoke all on schema ${s} from ${r}`);
      await tx.execute(`grant usage on schema ${s} to ${r}`);
      const inserts: string[] = [];
      for (const [table, privileges] of Object.entries(spec.tables)) {
        if (!tables.has(table)) throw new Error(`the role plan names table ${schema}.${table}, which the migrations did not create`);
        await tx.execute(`grant ${privileges.map(privilegeSql).join(', ')} on ${s}.${ident(table)} to ${r}`);
        if (privileges.includes('insert')) inserts.push(table);
      }
      // An insert takes the next value of a serial column's sequence (outbox.id): USAGE allows nextval, nothing more.
      for (const seq of await ownedSequences(tx, schema, inserts)) await tx.execute(`grant usage on sequence ${s}.${ident(seq)} to ${r}`);
      for (const member of spec.memberOf) await tx.execute(`grant ${ident(processRoleName(schema, member))} to ${r}`);
    }
    await applyOutboxRowSecurity(tx, schema, auditTopic);
    await applyOperationRowSecurity(tx, schema);
    return created;
  });
}

/** A topic name as an SQL literal: policy DDL takes no bind parameters, so only the config's topic characters pass. */
function topicLiteral(topic: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(topic)) throw new Error(`not a topic name: ${topic}`);
  return `'${topic}'`;
}

/**
 * Row security on the outbox. The workers' relays publish whatever row the outbox holds, so a role
 * that could insert any row could publish any event under a worker's Kafka identity. The gateway and
 * the webhook dispatcher may therefore see and insert only audit records for the audit topic; every
 * other process role sees and writes every row (the owner, and a superuser without DATABASE_ROLE,
 * bypass row security).
 */
async function applyOutboxRowSecurity(tx: EntityManager, schema: string, auditTopic: string): Promise<void> {
  const outbox = `${ident(schema)}.${ident('outbox')}`;
  const auditOnly: readonly ProcessRole[] = ['gateway', 'webhooks'];
  const writers = auditOnly.map((r) => ident(processRoleName(schema, r))).join(', ');
  const relays = PROCESS_ROLES.filter((r) => !auditOnly.includes(r)).map((r) => ident(processRoleName(schema, r)));
  const auditRow = `topic = ${topicLiteral(auditTopic)} and record_name = 'audit'`;
  await tx.execute(`alter table ${outbox} enable row level security`);
  await tx.execute(`drop policy if exists relay_rows on ${outbox}`);
  await tx.execute(`create policy relay_rows on ${outbox} to ${relays.join(', ')} using (true) with check (true)`);
  await tx.execute(`drop policy if exists gateway_audit_rows on ${outbox}`);
  await tx.execute(`create policy gateway_audit_rows on ${outbox} to ${writers} using (${auditRow}) with check (${auditRow})`);
}

/**
 * Row security on operations. The gateway records accepted commands and cancels them
 * (POST /v1/operations/{id}/cancel); it may insert only `accepted` rows and move only an `accepted`
 * row to `cancelled` — never decide an outcome, which is the workers' alone. The other process roles
 * see and write every row.
 */
async function applyOperationRowSecurity(tx: EntityManager, schema: string): Promise<void> {
  const operations = `${ident(schema)}.${ident('operations')}`;
  const gateway = ident(processRoleName(schema, 'gateway'));
  const others = PROCESS_ROLES.filter((r) => r !== 'gateway').map((r) => ident(processRoleName(schema, r)));
  await tx.execute(`alter table ${operations} enable row level security`);
  for (const policy of ['worker_operations', 'gateway_reads_operations', 'gateway_accepts_operations', 'gateway_cancels_operations']) {
    await tx.execute(`drop policy if exists ${policy} on ${operations}`);
  }
  await tx.execute(`create policy worker_operations on ${operations} to ${others.join(', ')} using (true) with check (true)`);
  await tx.execute(`create policy gateway_reads_operations on ${operations} for select to ${gateway} using (true)`);
  await tx.execute(`create policy gateway_accepts_operations on ${operations} for insert to ${gateway} with check (status = 'accepted')`);
  await tx.execute(
    `create policy gateway_cancels_operations on ${operations} for update to ${gateway} using (status = 'accepted') with check (status = 'cancelled')`,
  );
}

async function ensureRoles(tx: EntityManager, names: string[]): Promise<string[]> {
  const [me] = await tx.execute<{ user: string }[]>('select current_user as user');
  if (me && names.includes(me.user)) throw new ConfigError(`stateset setup runs as the schema's owner, not as the process role ${me.user}`);
  const existing = await tx.execute<{ rolname: string; powerful: boolean }[]>(
    `select rolname, (rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls) as powerful
     from pg_roles where rolname in (?)`,
    [names],
  );
  // A role made by hand with more powers than a table grant would defeat the plan: refuse rather than trust it.
  const powerful = existing.filter((e) => e.powerful).map((e) => e.rolname);
  if (powerful.length > 0) throw new ConfigError(`process roles must be plain roles, but ${powerful.join(', ')} may create, replicate or bypass row security`);
  const have = new Set(existing.map((e) => e.rolname));
  const missing = names.filter((n) => !have.has(n));
  for (const name of missing) await tx.execute(`create role ${ident(name)} nologin`);
  return missing;
}

async function ownedSequences(tx: EntityManager, schema: string, tables: string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const rows = await tx.execute<{ seq: string }[]>(
    `select distinct s.relname as seq
     from pg_class s
     join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid and d.deptype in ('a', 'i')
     join pg_class t on t.oid = d.refobjid
     join pg_namespace n on n.oid = t.relnamespace
     where s.relkind = 'S' and n.nspname = ? and t.relname in (?)`,
    [schema, tables],
  );
  return rows.map((r) => r.seq);
}

/**
 * Drops the schema's process roles (after the schema, for tests and benchmarks that made their
 * own): DROP OWNED BY first takes away whatever they still hold in this database.
 */
export async function dropProcessRoles(orm: MikroORM, schema: string): Promise<void> {
  const names = PROCESS_ROLES.map((r) => processRoleName(schema, r));
  const conn = orm.em.getConnection();
  const existing = await conn.execute<{ rolname: string }[]>('select rolname from pg_roles where rolname in (?)', [names]);
  for (const { rolname } of existing) {
    await conn.execute(`drop owned by ${ident(rolname)}`);
    await conn.execute(`drop role ${ident(rolname)}`);
  }
}
