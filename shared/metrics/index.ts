import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One registry per process with the `service` label on every series. Names and labels here are
 * the contract that ops/prometheus rules and ops/grafana dashboards are written against.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const r = [registry];

  return {
    registry,
    // gateway
    httpRequests: new Counter({
      name: 'stateset_http_requests_total',
      help: 'HTTP requests by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: r,
    }),
    httpDuration: new Histogram({
      name: 'stateset_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    authFailures: new Counter({
      name: 'stateset_auth_failures_total',
      help: 'Authentication failures by scheme and reason',
      labelNames: ['scheme', 'reason'],
      registers: r,
    }),
    authFailuresBySource: new Counter({
      name: 'stateset_auth_failures_by_source_total',
      help: 'Authentication failures by client network (/24 or /64)',
      labelNames: ['source'],
      registers: r,
    }),
    authzFailures: new Counter({
      name: 'stateset_authz_failures_total',
      help: 'Authorization failures by missing permission',
      labelNames: ['permission'],
      registers: r,
    }),
    rateLimited: new Counter({
      name: 'stateset_rate_limited_total',
      help: 'Requests refused by a rate-limit policy',
      labelNames: ['policy'],
      registers: r,
    }),
    apiKeyLookups: new Counter({
      name: 'stateset_api_key_lookups_total',
      help: 'API-key lookups by authentication, answered from the key cache or PostgreSQL',
      labelNames: ['source'],
      registers: r,
    }),
    rateLimitDecisions: new Counter({
      name: 'stateset_rate_limit_decisions_total',
      help: 'Rate-limit decisions, by where they were taken: a Redis call or a lease of hits spent in-process',
      labelNames: ['source'],
      registers: r,
    }),
    readCache: new Counter({
      name: 'stateset_read_cache_total',
      help: 'GET answers of single resources: from the read cache (hit), loaded (miss), or past the cache while its invalidations are not being heard (bypass)',
      labelNames: ['result'],
      registers: r,
    }),
    rateLimiterUnavailable: new Counter({
      name: 'stateset_rate_limiter_unavailable_total',
      help: 'Requests decided without the rate limiter because Redis was unavailable',
      labelNames: ['decision'],
      registers: r,
    }),
    idempotentReplays: new Counter({
      name: 'stateset_idempotent_replays_total',
      help: 'Requests answered from a stored idempotent response',
      registers: r,
    }),
    commandsPublished: new Counter({
      name: 'stateset_commands_published_total',
      help: 'Commands acknowledged by Kafka',
      labelNames: ['type'],
      registers: r,
    }),
    publishDuration: new Histogram({
      name: 'stateset_command_publish_duration_seconds',
      help: 'Time from publish to broker acknowledgement',
      labelNames: ['type'],
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    dependencyUnavailable: new Counter({
      name: 'stateset_dependency_unavailable_total',
      help: 'Calls that failed because a dependency was unavailable',
      labelNames: ['dependency'],
      registers: r,
    }),
    operationCancels: new Counter({
      name: 'stateset_operation_cancels_total',
      help: 'POST /v1/operations/{id}/cancel by outcome (cancelled, already_cancelled, conflict, not_found, forbidden, error)',
      labelNames: ['outcome'],
      registers: r,
    }),
    // workers
    retentionPurged: new Counter({
      name: 'stateset_retention_purged_rows_total',
      help: 'Rows deleted by the retention purge, by table (operations, events)',
      labelNames: ['table'],
      registers: r,
    }),
    workerCommands: new Counter({
      name: 'stateset_worker_commands_total',
      help: 'Commands handled by type and outcome',
      labelNames: ['type', 'outcome'],
      registers: r,
    }),
    workerDuration: new Histogram({
      name: 'stateset_worker_command_duration_seconds',
      help: 'Command handling duration including the transaction',
      labelNames: ['type'],
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    consumerLag: new Gauge({
      name: 'stateset_consumer_lag',
      help: 'Messages behind the partition high watermark',
      labelNames: ['topic', 'partition'],
      registers: r,
    }),
    forgedCommands: new Counter({
      name: 'stateset_forged_commands_total',
      help: 'Commands refused because their signature did not verify (not published by the gateway)',
      labelNames: ['topic'],
      registers: r,
    }),
    dlqMessages: new Counter({
      name: 'stateset_dlq_messages_total',
      help: 'Messages sent to a dead-letter topic',
      labelNames: ['topic'],
      registers: r,
    }),
    outboxBacklog: new Gauge({ name: 'stateset_outbox_backlog', help: 'Outbox rows not yet published', registers: r }),
    outboxOldestAge: new Gauge({
      name: 'stateset_outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: r,
    }),
    outboxPublished: new Counter({ name: 'stateset_outbox_published_total', help: 'Outbox rows published', registers: r }),
    outboxRepublished: new Counter({
      name: 'stateset_outbox_republished_total',
      help: 'Outbox rows published again after an attempt that may have reached Kafka (a relay stopped, or a publish failed, before marking them sent)',
      registers: r,
    }),
    workerRetries: new Counter({
      name: 'stateset_worker_retries_total',
      help: 'Retries after transient failures',
      labelNames: ['type'],
      registers: r,
    }),
    // audit sink
    auditRecordsWritten: new Counter({
      name: 'stateset_audit_records_written_total',
      help: 'Audit records made durable in the WORM store',
      labelNames: ['store'],
      registers: r,
    }),
    auditPersistDuration: new Histogram({
      name: 'stateset_audit_persist_duration_seconds',
      help: 'Batch fsync or upload latency',
      labelNames: ['store'],
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    auditSinkLag: new Gauge({
      name: 'stateset_audit_sink_lag',
      help: 'Audit messages not yet stored',
      labelNames: ['partition'],
      registers: r,
    }),
    auditLastSealed: new Gauge({
      name: 'stateset_audit_last_sealed_segment_timestamp_seconds',
      help: 'Unix time of the last sealed segment',
      registers: r,
    }),
    auditOffsetGap: new Gauge({
      name: 'stateset_audit_offset_gap_records',
      help: 'Audit records the sink group committed in Kafka that the WORM store does not hold, found at the last assignment',
      labelNames: ['partition'],
      registers: r,
    }),
    auditOffsetMismatches: new Counter({
      name: 'stateset_audit_offset_mismatches_total',
      help: "Assignments at which Kafka's committed offset was past the WORM store's (records acknowledged but not stored)",
      labelNames: ['partition'],
      registers: r,
    }),
    auditVerificationFailures: new Counter({
      name: 'stateset_audit_verification_failures_total',
      help: 'Audit verifications that found a problem',
      registers: r,
    }),
    // webhooks (gateway: endpoint management; dispatcher: intake and deliveries)
    webhookEndpointChanges: new Counter({
      name: 'stateset_webhook_endpoint_changes_total',
      help: 'Webhook endpoint management actions through the API (created, updated, disabled, enabled, secret rotated, deleted, redelivery requested)',
      labelNames: ['action'],
      registers: r,
    }),
    webhookMessages: new Counter({
      name: 'stateset_webhook_messages_total',
      help: 'Events taken in by the webhook dispatcher, by whether an endpoint wanted them (queued) or not (unsubscribed)',
      labelNames: ['result'],
      registers: r,
    }),
    webhookAttempts: new Counter({
      name: 'stateset_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: success, http_error (non-2xx), timeout, refused (address guard), network_error',
      labelNames: ['outcome'],
      registers: r,
    }),
    webhookAttemptDuration: new Histogram({
      name: 'stateset_webhook_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts, until the response status or the failure',
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    webhookDeliveriesFinished: new Counter({
      name: 'stateset_webhook_deliveries_finished_total',
      help: 'Webhook deliveries finished: succeeded, or failed (given up after the retry horizon)',
      labelNames: ['status'],
      registers: r,
    }),
    webhookEndpointsDisabled: new Counter({
      name: 'stateset_webhook_endpoints_disabled_total',
      help: 'Webhook endpoints the dispatcher disabled after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row',
      registers: r,
    }),
    webhookDueBacklog: new Gauge({
      name: 'stateset_webhook_deliveries_due',
      help: 'Pending webhook deliveries that are due now (enabled endpoints)',
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Bounded-cardinality bucket of a client address: /24 for IPv4, /64 for IPv6. */
export function sourceBucket(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = ip.replace(/^::ffff:/, '');
  const m = /^(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(v4);
  if (m) return `${m[1]}.${m[2]}.${m[3]}.0/24`;
  if (ip.includes(':')) {
    const groups = ip
      .split(':')
      .slice(0, 4)
      .map((g) => g || '0');
    return `${groups.join(':')}::/64`;
  }
  return 'unknown';
}

const AUTH_REASONS = [
  'missing',
  'malformed',
  'unknown_key',
  'revoked',
  'expired',
  'bad_signature',
  'alg_not_allowed',
  'wrong_audience',
  'wrong_issuer',
  'not_yet_valid',
  'tenant_not_allowed',
  'role_not_allowed',
];

/**
 * Starts the known label combinations at 0: `increase()` cannot see the first increment of a
 * series that did not exist, so an alert would otherwise need a second event to fire.
 */
export function primeCounters(metrics: Metrics, kind: 'gateway' | 'worker' | 'audit-sink' | 'webhooks'): void {
  if (kind === 'gateway') {
    for (const reason of AUTH_REASONS) for (const scheme of ['api_key', 'jwt']) metrics.authFailures.inc({ scheme, reason }, 0);
    metrics.authFailures.inc({ scheme: 'none', reason: 'missing' }, 0);
    for (const policy of ['read', 'write', 'auth', 'ip']) metrics.rateLimited.inc({ policy }, 0);
    for (const decision of ['allowed', 'refused', 'uncounted']) metrics.rateLimiterUnavailable.inc({ decision }, 0);
    for (const source of ['redis', 'lease']) metrics.rateLimitDecisions.inc({ source }, 0);
    for (const source of ['cache', 'database']) metrics.apiKeyLookups.inc({ source }, 0);
    for (const dependency of ['kafka', 'registry', 'redis', 'postgres']) metrics.dependencyUnavailable.inc({ dependency }, 0);
  }
  if (kind === 'webhooks') {
    metrics.webhookEndpointsDisabled.inc(0);
    for (const outcome of ['success', 'http_error', 'timeout', 'refused', 'network_error']) metrics.webhookAttempts.inc({ outcome }, 0);
    for (const status of ['succeeded', 'failed']) metrics.webhookDeliveriesFinished.inc({ status }, 0);
  }
  if (kind === 'audit-sink') {
    metrics.auditVerificationFailures.inc(0);
    metrics.auditOffsetMismatches.inc({ partition: '0' }, 0);
  }
}
