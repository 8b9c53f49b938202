import type { Config } from '../../shared/config';
import { initORM, Tenant } from '../../shared/orm';
import { ApiKeyStore } from '../../gateway/auth/api-key-store';
import { ROLE_PERMISSIONS, isRole, type Role } from '../../gateway/auth/permissions';
import type { Permission } from '../../schemas/catalog';
import { CliExit } from './output';
import { EXIT } from './exit-codes';
import { OutboxWriter } from '../../shared/outbox';
import { topicNames } from '../../schemas/topics';

function store(config: Config, orm: Awaited<ReturnType<typeof initORM>>) {
  return new ApiKeyStore(orm, config.API_KEY_PEPPER, config.API_KEY_ENV, 0);
}

async function audited(
  orm: Awaited<ReturnType<typeof initORM>>,
  config: Config,
  action: string,
  tenantId: string,
  resourceId: string,
  details: Record<string, unknown>,
) {
  const em = orm.em.fork();
  new OutboxWriter(em, topicNames(config.KAFKA_TOPIC_PREFIX)).audit({
    tenantId,
    principal: 'cli',
    action,
    outcome: 'success',
    resourceType: 'api_key',
    resourceId,
    details,
  });
  await em.flush();
}

/** Creates the tenant if needed and a key for it: the way to the first admin key. */
export async function createKey(config: Config, opts: { tenant: string; name: string; role: string; expiresInDays?: number }) {
  if (!isRole(opts.role)) throw new Error(`unknown role ${opts.role}; one of admin, manager, operator, viewer`);
  const orm = await initORM(config);
  try {
    const em = orm.em.fork();
    if (!(await em.findOne(Tenant, { id: opts.tenant }))) {
      await em.insert(Tenant, { id: opts.tenant, name: opts.tenant, createdAt: new Date() });
    }
    const created = await store(config, orm).create({
      tenantId: opts.tenant,
      name: opts.name,
      role: opts.role,
      permissions: ROLE_PERMISSIONS[opts.role as Role],
      createdBy: 'cli',
      expiresAt: opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86400_000) : null,
    });
    await audited(orm, config, 'api_key.created', opts.tenant, created.row.id, { role: opts.role, via: 'cli', keyId: created.row.keyId });
    return created;
  } finally {
    await orm.close(true);
  }
}

export async function listKeys(config: Config, tenant: string) {
  const orm = await initORM(config);
  try {
    const keys = [];
    // Every key, page after page: the listing's keyset order is the API's.
    for (let cursor: string | undefined; ;) {
      const page = await store(config, orm).list(tenant, { limit: 500, cursor });
      keys.push(...page.data);
      if (!page.nextCursor) return keys;
      cursor = page.nextCursor;
    }
  } finally {
    await orm.close(true);
  }
}

export async function revokeKey(config: Config, tenant: string, id: string) {
  const orm = await initORM(config);
  try {
    const row = await store(config, orm).revoke(tenant, id);
    await audited(orm, config, 'api_key.revoked', tenant, id, { via: 'cli', keyId: row.keyId });
    return row;
  } finally {
    await orm.close(true);
  }
}

/**
 * `stateset keys rotate`: as POST /v1/api-keys/{id}/rotate does it — a new key with the same name,
 * role, permissions and expiry, and the old one revoked after API_KEY_ROTATION_OVERLAP_S so the
 * holders can switch over. A key already revoked (or rotated) is refused.
 */
export async function rotateKey(config: Config, tenant: string, id: string) {
  const orm = await initORM(config);
  try {
    const keys = store(config, orm);
    const old = await keys.get(tenant, id);
    if (old.revokedAt) throw new CliExit(EXIT.failure, `key ${id} is already revoked or rotated (${old.revokedAt.toISOString()})`);
    const created = await keys.create({
      tenantId: tenant,
      name: old.name,
      role: old.role,
      permissions: old.permissions as Permission[],
      createdBy: 'cli',
      expiresAt: old.expiresAt,
      rotatedFrom: old.id,
    });
    const revokesAt = new Date(Date.now() + config.API_KEY_ROTATION_OVERLAP_S * 1000);
    await keys.revoke(tenant, old.id, revokesAt);
    await audited(orm, config, 'api_key.rotated', tenant, old.id, {
      via: 'cli',
      oldKeyId: old.keyId,
      newId: created.row.id,
      newKeyId: created.row.keyId,
      oldRevokesAt: revokesAt.toISOString(),
    });
    return { ...created, previous: { id: old.id, revokesAt } };
  } finally {
    await orm.close(true);
  }
}
