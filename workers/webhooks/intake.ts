import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../shared/container';
import { DOMAINS } from '../../schemas/catalog';
import { Operation, type OperationRow } from '../../shared/orm';
import { isRetriable, PoisonMessageError } from '../../shared/errors';
import { retrying, sleep } from '../../shared/retry';
import { domainEventCandidate, mayBeOperationOutcome, operationCandidate, type WebhookCandidate } from './messages';

/** The dispatcher's own consumer group: it reads the events and the audit trail beside their other consumers. */
export function webhookGroupId(topicPrefix: string): string {
  return `${topicPrefix}stateset.webhooks`;
}

/**
 * Takes events in from the domain event topics and operation outcomes from the audit topic
 * (command.succeeded / command.failed / command.dead_lettered records carry the operation id), and
 * for each one an enabled endpoint of its tenant subscribes to, writes the message and one delivery
 * per endpoint in one transaction — then commits the batch's offset. A batch Kafka delivers again
 * (a crash between the two) inserts nothing new: messages are unique on the event id and
 * deliveries on (endpoint, message), so every endpoint gets one delivery with one webhook-id.
 */
export class WebhookIntake {
  private readonly consumer: Consumer;
  private stopping = false;

  constructor(
    private readonly deps: Deps,
    private readonly wake: () => void,
  ) {
    this.consumer = deps.kafka.consumer({ groupId: webhookGroupId(deps.config.KAFKA_TOPIC_PREFIX), allowAutoTopicCreation: false, sessionTimeout: 30000 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    const topics = [...DOMAINS.map((d) => this.deps.topics.events(d)), this.deps.topics.audit];
    // From the beginning where the group has no committed offset (a partition that had no message
    // yet when the dispatcher last ran must not lose what came meanwhile); an endpoint is sent only
    // events that happened after it was made, so a first start does not replay history to anyone.
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (b) => this.onBatch(b) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.stop();
    await this.consumer.disconnect();
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const isAudit = batch.topic === this.deps.topics.audit;
    await retrying(
      async () => {
        const candidates: WebhookCandidate[] = [];
        for (const m of batch.messages) {
          const c = await this.candidateOf(isAudit, m);
          if (c) candidates.push(c);
        }
        const queued = await this.queue(candidates);
        if (queued > 0) this.wake();
        this.deps.metrics.webhookMessages.inc({ result: 'queued' }, queued);
        this.deps.metrics.webhookMessages.inc({ result: 'unsubscribed' }, candidates.length - queued);
      },
      {
        policy: { initialMs: 200, maxMs: 10_000 },
        giveUp: (err) => this.stopping || !isRetriable(err),
        onRetry: (err, attempt) => this.deps.logger.warn({ err, attempt, topic: batch.topic }, 'webhook intake failed; retrying the batch'),
        wait: async (ms) => {
          await sleep(ms);
          await heartbeat();
        },
      },
    );
    const last = batch.messages[batch.messages.length - 1]!;
    // Only after the deliveries are committed: a crash before this redelivers the batch, which inserts nothing twice.
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    await heartbeat();
  }

  private async candidateOf(isAudit: boolean, m: KafkaMessage): Promise<WebhookCandidate | null> {
    if (isAudit && !mayBeOperationOutcome(m)) return null;
    let payload: Record<string, unknown>;
    try {
      payload = await this.deps.codec.decode(m.value);
    } catch (err) {
      // Not ours to dead-letter (the domain's consumers do that): a message nobody can read is no webhook.
      if (err instanceof PoisonMessageError) {
        this.deps.logger.warn({ offset: m.offset }, 'webhook intake: undecodable message passed over');
        return null;
      }
      throw err;
    }
    return isAudit ? operationCandidate(payload) : domainEventCandidate(m, payload);
  }

  /** One transaction: the subscribed endpoints, the messages, the deliveries. Returns how many candidates some endpoint wanted. */
  private async queue(candidates: WebhookCandidate[]): Promise<number> {
    if (candidates.length === 0) return 0;
    const tenants = [...new Set(candidates.map((c) => c.tenantId))];
    return this.deps.orm.em.fork().transactional(async (tx) => {
      const endpoints = await tx.execute<{ id: string; tenant_id: string; event_types: string[]; created_at: Date }[]>(
        `select id, tenant_id, event_types, created_at from webhook_endpoints where status = 'enabled' and tenant_id in (${tenants.map(() => '?').join(',')})`,
        tenants,
      );
      const wanted = candidates
        .map((c) => ({
          c,
          to: endpoints.filter((e) => e.tenant_id === c.tenantId && e.event_types.includes(c.eventType) && new Date(e.created_at) <= c.occurredAt),
        }))
        .filter((w) => w.to.length > 0);
      if (wanted.length === 0) return 0;
      const operations = await this.operationsOf(
        tx,
        wanted.map((w) => w.c.operationId).filter((id): id is string => id !== undefined),
      );
      const messages = wanted.map(({ c }) => ({
        id: c.id,
        tenant_id: c.tenantId,
        event_type: c.eventType,
        body: c.body(operations),
        occurred_at: c.occurredAt.toISOString(),
      }));
      await tx.execute(
        `insert into webhook_messages (id, tenant_id, event_type, body, occurred_at)
         select id, tenant_id, event_type, body, occurred_at
         from jsonb_to_recordset(?::jsonb) as m(id uuid, tenant_id text, event_type text, body text, occurred_at timestamptz)
         on conflict (id) do nothing`,
        [JSON.stringify(messages)],
      );
      const deliveries = wanted.flatMap(({ c, to }) =>
        to.map((e) => ({ id: randomUUID(), tenant_id: c.tenantId, endpoint_id: e.id, message_id: c.id, event_type: c.eventType })),
      );
      await tx.execute(
        `insert into webhook_deliveries (id, tenant_id, endpoint_id, message_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
         select id, tenant_id, endpoint_id, message_id, event_type, 'pending', 0, now(), now(), now()
         from jsonb_to_recordset(?::jsonb) as d(id uuid, tenant_id text, endpoint_id uuid, message_id uuid, event_type text)
         on conflict (endpoint_id, message_id) do nothing`,
        [JSON.stringify(deliveries)],
      );
      // Wakes the dispatchers of other processes at commit; this one's loop is woken below.
      await tx.execute('select pg_notify(?, ?)', [this.deps.notifications.channel('webhook_due'), '']);
      return wanted.length;
    });
  }

  private async operationsOf(tx: EntityManager, ids: string[]): Promise<Map<string, OperationRow>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.find(Operation, { id: { $in: ids } });
    return new Map(rows.map((r) => [r.id, r]));
  }
}
