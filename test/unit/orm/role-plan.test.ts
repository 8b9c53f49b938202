import { expect } from 'chai';
import { parse } from 'yaml';
import fs from 'node:fs';
import path from 'node:path';
import { DOMAINS } from '../../../schemas/catalog';
import { connectionOptions, PROCESS_ROLES, processRoleName, rolePlan, tableOf } from '../../../shared/orm';
import { DOMAIN_ENTITIES } from '../../../workers/entities';
import { loadConfig } from '../../../shared/config';

const writes = (privileges: readonly string[]) => privileges.some((p) => p !== 'select');

/** The role plan's shape (the database enforces it: test/integration/orm/roles.test.ts). */
describe('database role plan', () => {
  const plan = rolePlan();

  it('a domain table is written by its own domain role only; the gateway and the sink only read or skip it', () => {
    for (const domain of DOMAINS) {
      for (const table of DOMAIN_ENTITIES[domain].map(tableOf).filter((t): t is string => t !== null)) {
        const writers = PROCESS_ROLES.filter((r) => writes(plan[r].tables[table] ?? []));
        expect(writers, table).to.deep.equal([domain]);
        expect(plan.gateway.tables[table], table).to.deep.equal(['select']);
      }
    }
  });

  it('nobody deletes but the gateway its idempotency claims and the workers expired operations and events (retention); the multi-domain worker only inherits', () => {
    const deleters = PROCESS_ROLES.flatMap((r) =>
      Object.entries(plan[r].tables)
        .filter(([, p]) => p.includes('delete'))
        .map(([t]) => `${r}:${t}`),
    );
    // The gateway also deletes webhook endpoints (DELETE /v1/webhooks/{id}); their deliveries go by cascade.
    expect(deleters).to.deep.equal(['gateway:idempotency_keys', 'gateway:webhook_endpoints', ...DOMAINS.flatMap((d) => [`${d}:operations`, `${d}:events`])]);
    expect(plan.worker).to.deep.equal({ tables: {}, memberOf: [...DOMAINS, 'webhooks'] });
  });

  it('names roles after the schema and refuses a name PostgreSQL would truncate', () => {
    expect(processRoleName('stateset', 'audit_sink')).to.equal('stateset_audit_sink');
    expect(() => processRoleName('s'.repeat(60), 'gateway')).to.throw(/longer than 63/);
  });

  it('DATABASE_ROLE is a validated identifier, sent as a startup parameter next to the search path', () => {
    expect(connectionOptions({ DATABASE_SCHEMA: 's', DATABASE_ROLE: 's_gateway' })).to.equal('-c search_path=s -c role=s_gateway');
    expect(connectionOptions({ DATABASE_SCHEMA: 's' })).to.equal('-c search_path=s');
    expect(connectionOptions({ DATABASE_SCHEMA: 's', DATABASE_APPLICATION_NAME: 'fault-pg.1' })).to.equal('-c search_path=s -c application_name=fault-pg.1');
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_ROLE: 'x -c role=postgres' })).to.throw(/DATABASE_ROLE/);
  });

  it('docker-compose runs each process as its own role (and setup as the owner)', () => {
    const compose = parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const roleOf = (s: string) => compose.services[s]?.environment?.DATABASE_ROLE;
    expect(roleOf('setup')).to.equal(undefined);
    expect(roleOf('gateway')).to.equal('stateset_gateway');
    for (const d of DOMAINS) expect(roleOf(`worker-${d}`)).to.equal(`stateset_${d}`);
    expect(roleOf('worker')).to.equal('stateset_worker');
    expect(roleOf('audit-sink')).to.equal('stateset_audit_sink');
  });
});
