import { z } from 'zod';
import { externalIssuers, jsonEnv, signingKeys, tenantOverrides } from './json-values';

/** The public development secrets: accepted only with NODE_ENV development or test (and named by `stateset doctor`). */
export const DEV_JWT_SIGNING_SEED = 'dev-only-jwt-signing-seed-change-me';
export const DEV_API_KEY_PEPPER = 'dev-only-api-key-pepper-change-me';
export const DEV_COMMAND_SIGNING_KEY = 'dev-only-command-signing-key-change-me';
export const DEV_WEBHOOK_SECRET_KEY = 'dev-only-webhook-secret-key-change-me';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** `true`/`false` (also 1/0, yes/no): a typo is refused rather than read as false. */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')
  .or(z.boolean());

/**
 * Every environment variable the platform reads, in one place. Defaults are the ones that work
 * for `npm start` on a developer machine; secrets have no production default (see refine below).
 */
export const envSchema = z
  .object({
    // No default: the development secrets below are accepted only when this says development or test.
    NODE_ENV: z.enum(['development', 'test', 'production']).optional(),
    SERVICE_NAME: z.string().min(1).default('stateset'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HTTP_BODY_LIMIT: z.string().default('64kb'),
    // A request's budget: past it the gateway answers 503 + Retry-After (a slow dependency), plus the
    // wait a long-poll asked for (Prefer: wait=N). Work already handed to Kafka goes on (SECURITY.md).
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    TRUST_PROXY: csv.default([]),
    CORS_ORIGINS: csv.default([]),
    PUBLIC_BASE_URL: z.string().url().optional(),
    // HTTPS served by the gateway itself (both or neither; PEM files, re-read when they change).
    HTTP_TLS_CERT_FILE: z.string().min(1).optional(),
    HTTP_TLS_KEY_FILE: z.string().min(1).optional(),
    HTTP_TLS_RELOAD_MS: z.coerce.number().int().min(100).default(5000),
    // Sent only on HTTPS requests (the gateway's own TLS, or X-Forwarded-Proto from a trusted proxy).
    HSTS_MAX_AGE_S: z.coerce.number().int().min(0).default(31_536_000),

    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    METRICS_HOST: z.string().default('127.0.0.1'),
    // Required by the /metrics listener when set (Prometheus' `authorization: credentials_file`).
    METRICS_BEARER_TOKEN: z.string().min(32).optional(),

    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/test'),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('stateset'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    // Longest wait for a pooled connection (or a new one) before the query fails as unavailable: a
    // slow or partitioned PostgreSQL builds no unbounded queue of waiting queries.
    DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    // The least-privilege role a process drops to on every connection (`<schema>_gateway`, …; see
    // shared/orm/role-plan.ts). Unset: the login user's own rights. `stateset setup` ignores it.
    DATABASE_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .max(63)
      .optional(),
    // PostgreSQL's application_name of every connection of the process (pg_stat_activity, logs); unset: none.
    DATABASE_APPLICATION_NAME: z
      .string()
      .regex(/^[a-zA-Z0-9_.-]+$/)
      .max(63)
      .optional(),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    REDIS_KEY_PREFIX: z.string().default('stateset:'),
    // A private CA for a rediss:// REDIS_URL (PEM); without it the system CAs verify the server.
    REDIS_TLS_CA_FILE: z.string().min(1).optional(),

    KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().default('stateset'),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/)
      .default(''),
    KAFKA_PARTITIONS_COMMANDS: z.coerce.number().int().min(1).max(256).default(3),
    KAFKA_PARTITIONS_EVENTS: z.coerce.number().int().min(1).max(256).default(3),
    KAFKA_PARTITIONS_AUDIT: z.coerce.number().int().min(1).max(256).default(1),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
    KAFKA_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
    // Kafka transport security (see SECURITY.md "Kafka"): TLS verified against KAFKA_SSL_CA_FILE (the
    // system roots when unset) and a SCRAM user per role; off by default for the loopback PLAINTEXT broker.
    KAFKA_SSL: flag.default(false),
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    // The name the broker certificate must carry when it differs from the broker host (e.g. brokers by IP).
    KAFKA_SSL_SERVERNAME: z.string().min(1).optional(),
    KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    // `stateset setup` creates the broker ACLs of shared/kafka/acl-plan.ts (needs an admin SASL user).
    KAFKA_ACLS: flag.default(false),
    // The SCRAM user names of the roles in the ACL plan, as `role=user,…` (defaults: the role names).
    KAFKA_ACL_USERS: csv.default([]),
    SCHEMA_REGISTRY_URL: z.string().url().default('http://127.0.0.1:8081/apis/ccompat/v7'),

    API_KEY_PEPPER: z.string().min(32).default(DEV_API_KEY_PEPPER),
    // During a pepper rotation: the old pepper, still accepted; a key it verifies is re-hashed with the new one.
    API_KEY_PEPPER_PREVIOUS: z.string().min(32).optional(),
    // Signs every command the gateway publishes; workers refuse commands it does not verify. Shared by
    // the gateway and the workers only. During a rotation the previous key still verifies.
    COMMAND_SIGNING_KEY: z.string().min(32).default(DEV_COMMAND_SIGNING_KEY),
    COMMAND_SIGNING_KEY_PREVIOUS: z.string().min(32).optional(),
    API_KEY_ENV: z.enum(['live', 'test']).default('live'),
    API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5000).default(2000),
    API_KEY_ROTATION_OVERLAP_S: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(3600),
    JWT_ISSUER: z.string().default('stateset'),
    JWT_AUDIENCE: z.string().default('stateset-api'),
    JWT_TTL_S: z.coerce.number().int().min(30).max(3600).default(900),
    JWT_SIGNING_SEED: z.string().min(32).default(DEV_JWT_SIGNING_SEED),
    JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(300).default(30),
    JWT_EXTERNAL_ISSUERS: jsonEnv(externalIssuers, '[]'),

    RATE_LIMIT_READ_PER_MIN: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_WRITE_PER_MIN: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_AUTH_PER_MIN: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_IP_FAILURES_PER_MIN: z.coerce.number().int().min(1).default(10),
    RATE_LIMIT_TENANT_OVERRIDES: jsonEnv(tenantOverrides, '{}'),
    RATE_LIMIT_REDIS_DOWN_WRITES: z.enum(['fail-closed', 'fail-open']).default('fail-closed'),
    RATE_LIMIT_REDIS_DOWN_READS: z.enum(['fail-closed', 'fail-open']).default('fail-open'),

    IDEMPOTENCY_TTL_H: z.coerce
      .number()
      .int()
      .min(24)
      .max(24 * 30)
      .default(24),
    OPERATION_MAX_WAIT_S: z.coerce.number().int().min(0).max(30).default(30),
    // Retention (issue 15): finished operations and the events feed are purged by every worker process.
    OPERATION_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(7),
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(7),
    RETENTION_PURGE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    // Gateway read cache of GET /v1/<resources>/{id} and /v1/operations/{id}, invalidated by NOTIFY (0 = off).
    READ_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
    READ_CACHE_TTL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),

    WORKER_RETRY_MAX_MS: z.coerce.number().int().min(100).default(30000),
    OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(2000),
    RESERVATION_TTL_S: z.coerce.number().int().min(1).default(900),

    AUDIT_STORE: z.enum(['fs', 's3']).default('fs'),
    AUDIT_DIR: z.string().default('.data/audit'),
    AUDIT_CHECKPOINT_DIR: z.string().default('.data/audit-checkpoints'),
    AUDIT_SIGNING_KEY_PATH: z.string().optional(),
    // After a signing-key rotation: the public keys (PEM paths) of the earlier keys, so their checkpoints still verify.
    AUDIT_SIGNING_PREVIOUS_PUBLIC_KEYS: csv.default([]),
    AUDIT_SEGMENT_MAX_RECORDS: z.coerce.number().int().min(1).default(1000),
    AUDIT_SEGMENT_MAX_AGE_MS: z.coerce.number().int().min(1000).default(60000),
    AUDIT_VERIFY_INTERVAL_MS: z.coerce.number().int().min(0).default(600000),
    S3_ENDPOINT: z.string().url().optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_BUCKET: z.string().default('stateset-audit'),
    S3_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),

    // Gateway security (issue 3). JSON list of signing keys: [{kid, status: current|previous|revoked,
    // privateKey?: PEM (ES256), publicKey?: PEM, seed?: string}]; empty = one key derived from JWT_SIGNING_SEED.
    JWT_SIGNING_KEYS: jsonEnv(signingKeys, '[]'),
    JWT_JWKS_CACHE_S: z.coerce.number().int().min(10).max(86400).default(300),
    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(3600).default(60),
    RATE_LIMIT_IP_PER_MIN: z.coerce.number().int().min(1).default(300),
    RATE_LIMIT_REDIS_DOWN_RETRY_AFTER_S: z.coerce.number().int().min(1).max(300).default(5),
    // Hits a busy principal takes from Redis at once and spends in-process (0 = ask Redis per request).
    // Per tenant, over all its keys and tokens: new keys are free, budgets must not multiply with them.
    RATE_LIMIT_TENANT_READ_PER_MIN: z.coerce.number().int().min(1).default(6000),
    RATE_LIMIT_TENANT_WRITE_PER_MIN: z.coerce.number().int().min(1).default(1200),
    RATE_LIMIT_TENANT_AUTH_PER_MIN: z.coerce.number().int().min(1).default(300),
    // Concurrent `Prefer: wait` long-polls per gateway; past them a request is answered at once, not held.
    OPERATION_MAX_WAITS_PER_PRINCIPAL: z.coerce.number().int().min(0).default(20),
    OPERATION_MAX_WAITS_PER_TENANT: z.coerce.number().int().min(0).default(200),
    RATE_LIMIT_LEASE_MS: z.coerce.number().int().min(0).max(5000).default(250),
    RATE_LIMIT_LEASE_MAX_HITS: z.coerce.number().int().min(1).max(10000).default(100),

    // Webhooks (SECURITY.md "Webhooks"). Encrypts the endpoints' signing secrets at rest (gateway and
    // dispatcher only); during a rotation the previous key still decrypts.
    WEBHOOK_SECRET_KEY: z.string().min(32).default(DEV_WEBHOOK_SECRET_KEY),
    WEBHOOK_SECRET_KEY_PREVIOUS: z.string().min(32).optional(),
    // CIDRs (or single addresses) a delivery may reach although they are private, loopback or link-local.
    WEBHOOK_ALLOWED_NETWORKS: csv.default([]),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
    WEBHOOK_RETRY_INITIAL_MS: z.coerce.number().int().min(10).default(5000),
    WEBHOOK_RETRY_MAX_MS: z.coerce
      .number()
      .int()
      .min(10)
      .default(6 * 3600 * 1000),
    // A delivery is retried until this long after the event, then given up (3 days).
    WEBHOOK_RETRY_HORIZON_S: z.coerce.number().int().min(1).default(259_200),
    // Failed attempts in a row (no success between them) after which an endpoint is disabled.
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(50),
    // After a secret rotation the old secret also signs deliveries for this long.
    WEBHOOK_SECRET_ROTATION_OVERLAP_S: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(86_400),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    // Safety net only: the dispatcher is woken by NOTIFY when deliveries are due.
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
  })
  .superRefine((env, ctx) => {
    // Tokens naming our own issuer must be checked against our keys only.
    const own = env.JWT_EXTERNAL_ISSUERS.findIndex((i) => i.issuer === env.JWT_ISSUER);
    if (own >= 0) ctx.addIssue({ code: 'custom', path: ['JWT_EXTERNAL_ISSUERS', own, 'issuer'], message: 'must not be JWT_ISSUER' });
    // A forgotten NODE_ENV must not run on the public development secrets: they need an explicit
    // development or test, and anything else (production, or nothing) refuses them.
    const devSecretsAllowed = env.NODE_ENV === 'development' || env.NODE_ENV === 'test';
    if (!devSecretsAllowed) {
      const why = `the development default is refused unless NODE_ENV is development or test (it is ${env.NODE_ENV ?? 'unset'}); set a random value of at least 32 characters`;
      if (env.API_KEY_PEPPER === DEV_API_KEY_PEPPER) ctx.addIssue({ code: 'custom', path: ['API_KEY_PEPPER'], message: why });
      if (env.COMMAND_SIGNING_KEY === DEV_COMMAND_SIGNING_KEY) ctx.addIssue({ code: 'custom', path: ['COMMAND_SIGNING_KEY'], message: why });
      if (env.WEBHOOK_SECRET_KEY === DEV_WEBHOOK_SECRET_KEY) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET_KEY'], message: why });
      // The seed signs only when no key list is given; a listed key must not use the public seed either.
      if (env.JWT_SIGNING_KEYS.length === 0 && env.JWT_SIGNING_SEED === DEV_JWT_SIGNING_SEED) {
        ctx.addIssue({ code: 'custom', path: ['JWT_SIGNING_SEED'], message: why });
      }
      env.JWT_SIGNING_KEYS.forEach((k, i) => {
        if (k.seed === DEV_JWT_SIGNING_SEED) ctx.addIssue({ code: 'custom', path: ['JWT_SIGNING_KEYS', i, 'seed'], message: why });
      });
    }
    // An idempotency claim may resume its operation (gateway/services/command-service.ts): the row must outlive the claim.
    if (env.OPERATION_RETENTION_DAYS * 24 < env.IDEMPOTENCY_TTL_H) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPERATION_RETENTION_DAYS'],
        message: 'must cover IDEMPOTENCY_TTL_H (operations are kept at least as long as idempotency keys)',
      });
    }
    if (Boolean(env.HTTP_TLS_CERT_FILE) !== Boolean(env.HTTP_TLS_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_TLS_CERT_FILE'], message: 'HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE go together' });
    }
    if (env.KAFKA_SASL_MECHANISM && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD' });
    }
    if (!env.KAFKA_SASL_MECHANISM && (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'set it (scram-sha-512) when KAFKA_SASL_USERNAME/PASSWORD are given' });
    }
    // SCRAM proves the password without sending it, but over a cleartext connection the session after
    // it (every command and event) is readable and can be taken over, and the broker is not authenticated.
    if (env.KAFKA_SASL_MECHANISM && !env.KAFKA_SSL) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL'], message: 'SASL needs KAFKA_SSL=true (credentials are never sent over PLAINTEXT)' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.AUDIT_STORE === 's3' && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY || !env.S3_ENDPOINT)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_STORE'],
        message: 'AUDIT_STORE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
      });
    }
  });

export type Config = z.infer<typeof envSchema>;
