import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, type WebhookAttemptRow, type WebhookDeliveryRow, type WebhookEndpointRow } from '../../shared/orm';
import { NotFoundError } from '../../shared/errors';
import { generateSigningSecret, type SecretBox } from '../../shared/webhooks';
import { keysetPage, NEWEST_FIRST, type Page, type PageQuery } from '../http/pagination';
import { loadOwned } from '../http/tenant-queries';

export interface CreatedEndpoint {
  row: WebhookEndpointRow;
  /** The only time the signing secret leaves the server. */
  secret: string;
}

export interface EndpointChanges {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
}

export interface DeliveryWithAttempts {
  delivery: WebhookDeliveryRow;
  attempts: WebhookAttemptRow[];
}

const ATTEMPTS_SHOWN = 20;

/**
 * The tenants' webhook endpoints. Every read and write names the tenant, so another tenant's
 * endpoint (or delivery) is "not found", the same as a missing one.
 */
export class WebhookEndpointStore {
  constructor(
    private readonly orm: MikroORM,
    private readonly box: SecretBox,
    /** Schema-qualified NOTIFY channel that wakes the dispatchers (a redelivery is due now). */
    private readonly dueChannel: string,
  ) {}

  async create(input: { tenantId: string; url: string; eventTypes: string[]; description: string | null; createdBy: string }): Promise<CreatedEndpoint> {
    const id = randomUUID();
    const secret = generateSigningSecret();
    const now = new Date();
    const row: WebhookEndpointRow = {
      id,
      tenantId: input.tenantId,
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes,
      secretSealed: this.box.seal(secret, id),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      status: 'enabled',
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      createdBy: input.createdBy,
      createdAt: now,
      updatedAt: now,
    };
    await this.orm.em.fork().insert(WebhookEndpoint, row);
    return { row, secret };
  }

  get(tenantId: string, id: string): Promise<WebhookEndpointRow> {
    return loadOwned(this.orm, WebhookEndpoint, tenantId, { id }, 'webhook endpoint');
  }

  list(tenantId: string, q: PageQuery): Promise<Page<WebhookEndpointRow>> {
    return keysetPage(this.orm.em.fork(), WebhookEndpoint, { tenantId }, q, { time: 'createdAt', id: 'id', order: 'asc' });
  }

  private async change(tenantId: string, id: string, set: Partial<WebhookEndpointRow>): Promise<WebhookEndpointRow> {
    const em = this.orm.em.fork();
    const n = await em.nativeUpdate(WebhookEndpoint, { id, tenantId }, { ...set, updatedAt: new Date() });
    if (n === 0) throw new NotFoundError('webhook endpoint not found');
    return this.get(tenantId, id);
  }

  update(tenantId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpointRow> {
    return this.change(tenantId, id, changes);
  }

  /** Enabling clears the failure run, so an endpoint fixed by its owner gets a fresh budget. */
  setEnabled(tenantId: string, id: string, enabled: boolean): Promise<WebhookEndpointRow> {
    return this.change(
      tenantId,
      id,
      enabled
        ? { status: 'enabled', disabledReason: null, disabledAt: null, consecutiveFailures: 0 }
        : { status: 'disabled', disabledReason: 'manual', disabledAt: new Date() },
    );
  }

  /** A new secret; the old one keeps signing beside it for `overlapS` so receivers can switch without losing messages. */
  async rotateSecret(tenantId: string, id: string, overlapS: number): Promise<CreatedEndpoint> {
    const old = await this.get(tenantId, id);
    const secret = generateSigningSecret();
    const row = await this.change(tenantId, id, {
      secretSealed: this.box.seal(secret, id),
      previousSecretSealed: overlapS > 0 ? old.secretSealed : null,
      previousSecretExpiresAt: overlapS > 0 ? new Date(Date.now() + overlapS * 1000) : null,
    });
    return { row, secret };
  }

  async delete(tenantId: string, id: string): Promise<WebhookEndpointRow> {
    const row = await this.get(tenantId, id);
    // Its deliveries and their attempts go with it (on delete cascade).
    await this.orm.em.fork().nativeDelete(WebhookEndpoint, { id, tenantId });
    return row;
  }

  async deliveries(tenantId: string, endpointId: string, q: PageQuery & { status?: string }): Promise<Page<DeliveryWithAttempts>> {
    await this.get(tenantId, endpointId);
    const em = this.orm.em.fork();
    const where = { tenantId, endpointId, ...(q.status ? { status: q.status } : {}) };
    const page = await keysetPage(em, WebhookDelivery, where as never, q, NEWEST_FIRST);
    const ids = page.data.map((d) => d.id);
    const attempts = ids.length ? await em.find(WebhookAttempt, { tenantId, deliveryId: { $in: ids } }, { orderBy: { id: 'desc' } }) : [];
    const byDelivery = new Map<string, WebhookAttemptRow[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.deliveryId) ?? [];
      if (list.length < ATTEMPTS_SHOWN) list.push(a);
      byDelivery.set(a.deliveryId, list);
    }
    return { data: page.data.map((delivery) => ({ delivery, attempts: byDelivery.get(delivery.id) ?? [] })), nextCursor: page.nextCursor };
  }

  /**
   * Sends a delivery again, now, with the same webhook-id (receivers dedupe on it): whatever its
   * status, it becomes pending and due, and the dispatchers are woken.
   */
  async redeliver(tenantId: string, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRow> {
    await this.get(tenantId, endpointId);
    const em = this.orm.em.fork();
    const now = new Date();
    const n = await em.nativeUpdate(WebhookDelivery, { id: deliveryId, endpointId, tenantId }, { status: 'pending', nextAttemptAt: now, updatedAt: now });
    if (n === 0) throw new NotFoundError('webhook delivery not found');
    await em.execute('select pg_notify(?, ?)', [this.dueChannel, '']);
    return em.findOneOrFail(WebhookDelivery, { id: deliveryId, tenantId });
  }
}
