import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/container';
import { OutboxWriter } from '../../shared/outbox';
import { AddressGuard, nextAttemptAt, SecretBox, webhookHeaders, type RetrySchedule } from '../../shared/webhooks';
import { sendWebhook, type AttemptResult } from './sender';

interface ClaimedDelivery {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  message_id: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  body: string;
}

const BACKLOG_OBSERVE_MS = 5000;

/**
 * Sends due deliveries. A batch is claimed in one short statement (FOR UPDATE SKIP LOCKED, so
 * dispatchers never take the same row) that moves each claimed row's next attempt a lease into the
 * future and counts the attempt; the requests then run outside any transaction, and each outcome is
 * written in a transaction of its own. A dispatcher that dies mid-request leaves its rows to be
 * claimed again when the lease ends: at least once, with the same webhook-id.
 */
export class DeliveryLoop {
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private unsubscribe: (() => void) | null = null;
  private backlogObservedAt = 0;
  private readonly guard: AddressGuard;
  private readonly box: SecretBox;
  private readonly schedule: RetrySchedule;

  constructor(private readonly deps: Deps) {
    const c = deps.config;
    this.guard = new AddressGuard(c.WEBHOOK_ALLOWED_NETWORKS);
    this.box = new SecretBox(c.WEBHOOK_SECRET_KEY, c.WEBHOOK_SECRET_KEY_PREVIOUS);
    this.schedule = { initialMs: c.WEBHOOK_RETRY_INITIAL_MS, maxMs: c.WEBHOOK_RETRY_MAX_MS, horizonMs: c.WEBHOOK_RETRY_HORIZON_S * 1000 };
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.deps.notifications.on(this.deps.notifications.channel('webhook_due'), () => this.wake());
    this.running = (async () => {
      while (!this.stopped) {
        let claimed = 0;
        try {
          claimed = await this.runOnce();
        } catch (err) {
          this.deps.logger.warn({ err }, 'webhook delivery round failed; will retry');
        }
        await this.observeBacklog();
        // A full batch means more may be due: go on at once; otherwise sleep until woken or the safety poll.
        if (claimed < this.deps.config.WEBHOOK_CONCURRENCY) await this.sleep(this.deps.config.WEBHOOK_POLL_MS);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.running;
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pendingWake = true;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.pendingWake = false;
        resolve();
      };
    });
  }

  /** One batch: claim, send concurrently, record each outcome. Returns how many were claimed. */
  async runOnce(): Promise<number> {
    const batch = await this.claim();
    await Promise.all(batch.map((d) => this.deliver(d)));
    return batch.length;
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const leaseMs = this.deps.config.WEBHOOK_TIMEOUT_MS + 30_000;
    return this.deps.orm.em.fork().execute<ClaimedDelivery[]>(
      `with due as (
         select d.id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
         where d.status = 'pending' and d.next_attempt_at <= now() and e.status = 'enabled'
         order by d.next_attempt_at limit ? for update of d skip locked),
       claimed as (
         update webhook_deliveries d set next_attempt_at = now() + (? * interval '1 millisecond'), attempts = d.attempts + 1, updated_at = now()
         from due where d.id = due.id
         returning d.id, d.tenant_id, d.endpoint_id, d.message_id, d.attempts, d.created_at)
       select c.*, e.url, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at, m.body
       from claimed c join webhook_endpoints e on e.id = c.endpoint_id join webhook_messages m on m.id = c.message_id`,
      [this.deps.config.WEBHOOK_CONCURRENCY, leaseMs],
    );
  }

  private secretsOf(d: ClaimedDelivery): string[] {
    const secrets = [this.box.open(d.secret_sealed, d.endpoint_id)];
    if (d.previous_secret_sealed && d.previous_secret_expires_at && new Date(d.previous_secret_expires_at) > new Date()) {
      secrets.push(this.box.open(d.previous_secret_sealed, d.endpoint_id));
    }
    return secrets;
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    let result: AttemptResult;
    try {
      const headers = webhookHeaders(this.secretsOf(d), d.message_id, Math.floor(Date.now() / 1000), d.body);
      result = await sendWebhook(d.url, headers, d.body, this.guard, this.deps.config.WEBHOOK_TIMEOUT_MS);
    } catch (err) {
      // A secret that does not open (a wrong WEBHOOK_SECRET_KEY) is the operator's problem: logged, the attempt failed.
      this.deps.logger.error({ err, endpointId: d.endpoint_id }, 'webhook delivery could not be prepared');
      result = { outcome: 'network_error', statusCode: null, latencyMs: 0, error: 'the delivery could not be signed' };
    }
    this.deps.metrics.webhookAttempts.inc({ outcome: result.outcome });
    this.deps.metrics.webhookAttemptDuration.observe(result.latencyMs / 1000);
    try {
      await this.deps.orm.em.fork().transactional((tx) => this.record(tx, d, result));
    } catch (err) {
      // The lease runs out and the delivery is tried again: at least once.
      this.deps.logger.warn({ err, deliveryId: d.id }, 'webhook attempt outcome could not be recorded');
    }
  }

  private async record(tx: EntityManager, d: ClaimedDelivery, r: AttemptResult): Promise<void> {
    await tx.execute(
      `insert into webhook_attempts (tenant_id, delivery_id, attempted_at, status_code, latency_ms, error) values (?, ?, now() - (? * interval '1 millisecond'), ?, ?, ?)`,
      [d.tenant_id, d.id, r.latencyMs, r.statusCode, r.latencyMs, r.error],
    );
    if (r.outcome === 'success') {
      await tx.execute(
        `update webhook_deliveries set status = 'succeeded', next_attempt_at = null, last_status_code = ?, last_error = null, updated_at = now() where id = ?`,
        [r.statusCode, d.id],
      );
      await tx.execute('update webhook_endpoints set consecutive_failures = 0 where id = ? and consecutive_failures <> 0', [d.endpoint_id]);
      this.deps.metrics.webhookDeliveriesFinished.inc({ status: 'succeeded' });
      return;
    }
    const next = nextAttemptAt(d.attempts, new Date(d.created_at), new Date(), this.schedule);
    await tx.execute(`update webhook_deliveries set status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, updated_at = now() where id = ?`, [
      next ? 'pending' : 'failed',
      next,
      r.statusCode,
      r.error,
      d.id,
    ]);
    if (!next) this.deps.metrics.webhookDeliveriesFinished.inc({ status: 'failed' });
    const [endpoint] = await tx.execute<{ consecutive_failures: number }[]>(
      'update webhook_endpoints set consecutive_failures = consecutive_failures + 1 where id = ? returning consecutive_failures',
      [d.endpoint_id],
    );
    if (endpoint && endpoint.consecutive_failures >= this.deps.config.WEBHOOK_DISABLE_AFTER_FAILURES) await this.disable(tx, d, endpoint.consecutive_failures);
  }

  /** After a run of failures: disabled (once: only an enabled endpoint changes), audited, counted. */
  private async disable(tx: EntityManager, d: ClaimedDelivery, failures: number): Promise<void> {
    const rows = await tx.execute<{ id: string }[]>(
      `update webhook_endpoints set status = 'disabled', disabled_reason = 'failing', disabled_at = now(), updated_at = now()
       where id = ? and status = 'enabled' returning id`,
      [d.endpoint_id],
    );
    if (rows.length === 0) return;
    new OutboxWriter(tx, this.deps.topics).audit({
      tenantId: d.tenant_id,
      principal: 'system:webhooks',
      action: 'webhook.endpoint_disabled',
      outcome: 'failure',
      resourceType: 'webhook_endpoint',
      resourceId: d.endpoint_id,
      details: { reason: 'failing', consecutiveFailures: failures },
    });
    await tx.flush();
    this.deps.metrics.webhookEndpointsDisabled.inc();
    this.deps.logger.warn({ endpointId: d.endpoint_id, tenantId: d.tenant_id, failures }, 'webhook endpoint disabled after a run of failed attempts');
  }

  private async observeBacklog(): Promise<void> {
    if (Date.now() - this.backlogObservedAt < BACKLOG_OBSERVE_MS) return;
    this.backlogObservedAt = Date.now();
    try {
      const [row] = await this.deps.orm.em.fork().execute<{ n: string }[]>(
        `select count(*) as n from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
           where d.status = 'pending' and d.next_attempt_at <= now() and e.status = 'enabled'`,
      );
      this.deps.metrics.webhookDueBacklog.set(Number(row?.n ?? 0));
    } catch {
      // a gauge a scrape late is no reason to stop delivering
    }
  }
}
