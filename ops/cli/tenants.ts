import type { Config } from '../../shared/config';
import { initORM, Tenant, type TenantRow } from '../../shared/orm';
import { OutboxWriter } from '../../shared/outbox';
import { topicNames } from '../../schemas/topics';
import { CliExit } from './output';
import { EXIT } from './exit-codes';

/** `stateset tenants create`: a tenant row (audited as tenant.created); one that exists is refused, not changed. */
export async function createTenant(config: Config, opts: { id: string; name: string }): Promise<TenantRow> {
  const orm = await initORM(config);
  try {
    const em = orm.em.fork();
    if (await em.findOne(Tenant, { id: opts.id })) throw new CliExit(EXIT.failure, `tenant ${opts.id} exists already`);
    const row: TenantRow = { id: opts.id, name: opts.name, createdAt: new Date() };
    await em.transactional(async (tx) => {
      await tx.insert(Tenant, row);
      new OutboxWriter(tx, topicNames(config.KAFKA_TOPIC_PREFIX)).audit({
        tenantId: row.id,
        principal: 'cli',
        action: 'tenant.created',
        outcome: 'success',
        resourceType: 'tenant',
        resourceId: row.id,
        details: { via: 'cli', name: row.name },
      });
      await tx.flush();
    });
    return row;
  } finally {
    await orm.close(true);
  }
}

/** `stateset tenants list`: every tenant, oldest first. */
export async function listTenants(config: Config): Promise<TenantRow[]> {
  const orm = await initORM(config);
  try {
    return await orm.em.fork().find(Tenant, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  } finally {
    await orm.close(true);
  }
}
