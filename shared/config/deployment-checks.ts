import { isIP } from 'node:net';
import { ConfigError } from '../errors';
import { DEV_API_KEY_PEPPER, DEV_COMMAND_SIGNING_KEY, DEV_JWT_SIGNING_SEED, DEV_WEBHOOK_SECRET_KEY, type Config } from './schema';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DeploymentCheck {
  check: string;
  status: CheckStatus;
  detail: string;
  /** what to change; empty when the check passes */
  fix: string;
}

const WEAK_PASSWORDS = new Set(['', 'postgres', 'stateset', 'password', 'changeme', 'secret', 'admin']);

export function checkRow(check: string, ok: boolean, detail: string, fix: string, soft = false): DeploymentCheck {
  return { check, status: ok ? 'pass' : soft ? 'warn' : 'fail', detail, fix: ok ? '' : fix };
}

/** A loopback or RFC 1918 / unique-local address: a listener there is not on the public network. */
export function isPrivateHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  if (isIP(host) === 6) return host === '::1' || /^f[cd]/i.test(host);
  return false;
}

function urlOf(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * SECURITY.md's deployment checklist, checked against a configuration. Only the configuration and this
 * process are read (no connection is made, no file opened), so it runs anywhere, before start: by
 * `stateset doctor`, and by every process at start in production (assertDeployable).
 */
/** Whose configuration is checked: one process's (its container's environment), or the whole deployment's. */
export const DEPLOYMENT_TARGETS = ['all', 'gateway', 'worker', 'audit-sink'] as const;
export type DeploymentTarget = (typeof DEPLOYMENT_TARGETS)[number];

export function deploymentChecks(config: Config, env: NodeJS.ProcessEnv, uid: number | undefined, target: DeploymentTarget = 'all'): DeploymentCheck[] {
  const checks: DeploymentCheck[] = [];
  const db = urlOf(config.DATABASE_URL);
  const dbPassword = db ? decodeURIComponent(db.password) : '';
  checks.push(
    checkRow(
      'database password',
      !WEAK_PASSWORDS.has(dbPassword.toLowerCase()) && dbPassword.length >= 16,
      dbPassword ? 'DATABASE_URL has a password' : 'DATABASE_URL has no password',
      'give the database user a random password of at least 16 characters (DATABASE_URL_FILE)',
    ),
  );
  const sslmode = db?.searchParams.get('sslmode') ?? 'none';
  checks.push(checkRow('database TLS', sslmode === 'verify-full', `sslmode=${sslmode}`, 'add ?sslmode=verify-full to DATABASE_URL'));
  const redis = urlOf(config.REDIS_URL);
  checks.push(checkRow('Redis TLS', redis?.protocol === 'rediss:', `scheme ${redis?.protocol ?? '?'}`, 'use a rediss:// REDIS_URL'));
  checks.push(
    checkRow('Redis AUTH', Boolean(redis?.password), redis?.password ? 'password set' : 'no password', 'set requirepass and put the password in REDIS_URL'),
  );
  const kafkaSecured = config.KAFKA_SSL && Boolean(config.KAFKA_SASL_MECHANISM);
  checks.push(
    checkRow(
      'Kafka TLS and SASL',
      kafkaSecured,
      kafkaSecured ? `SASL_SSL as ${config.KAFKA_SASL_USERNAME} (${config.KAFKA_SASL_MECHANISM})` : config.KAFKA_SSL ? 'TLS without SASL' : 'PLAINTEXT',
      "KAFKA_SSL=true, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM=scram-sha-512 with this process's own KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD(_FILE)",
    ),
  );
  if (kafkaSecured && config.KAFKA_SASL_MECHANISM !== 'scram-sha-512') {
    checks.push(checkRow('Kafka SASL mechanism', false, config.KAFKA_SASL_MECHANISM ?? '', 'KAFKA_SASL_MECHANISM=scram-sha-512', true));
  }
  checks.push(
    checkRow(
      'database role',
      Boolean(config.DATABASE_ROLE),
      config.DATABASE_ROLE ? `DATABASE_ROLE=${config.DATABASE_ROLE}` : "the login user's own rights",
      "set DATABASE_ROLE to the process's role (<schema>_gateway, _<domain>, _worker, _audit_sink; made by `stateset setup`)",
    ),
  );
  const notDevDefault = (check: string, isDefault: boolean, fix: string) => checkRow(check, !isDefault, isDefault ? 'the development default' : 'set', fix);
  checks.push(notDevDefault('API-key pepper', config.API_KEY_PEPPER === DEV_API_KEY_PEPPER, 'set API_KEY_PEPPER to ≥32 random characters'));
  checks.push(
    notDevDefault(
      'command signing key',
      config.COMMAND_SIGNING_KEY === DEV_COMMAND_SIGNING_KEY,
      'set COMMAND_SIGNING_KEY (gateway and workers only) to ≥32 random characters',
    ),
  );
  checks.push(
    notDevDefault(
      'webhook secret key',
      config.WEBHOOK_SECRET_KEY === DEV_WEBHOOK_SECRET_KEY,
      'set WEBHOOK_SECRET_KEY (gateway and webhook dispatcher only) to ≥32 random characters',
    ),
  );
  const devSeed = config.JWT_SIGNING_KEYS.length === 0 && config.JWT_SIGNING_SEED === DEV_JWT_SIGNING_SEED;
  checks.push(checkRow('JWT signing key', !devSeed, devSeed ? 'the development seed' : 'set', 'set JWT_SIGNING_KEYS or a random JWT_SIGNING_SEED'));
  // The HTTP items concern the gateway only: the workers and the sink serve no API.
  if (target === 'all' || target === 'gateway') {
    checks.push(
      checkRow(
        'CORS',
        !config.CORS_ORIGINS.some((o) => o.includes('*')),
        config.CORS_ORIGINS.length ? config.CORS_ORIGINS.join(', ') : 'off',
        'list exact origins in CORS_ORIGINS, never *',
      ),
    );
    const trustsAll = config.TRUST_PROXY.some((p) => p === '*' || p === 'true' || p === '0.0.0.0/0' || p === '::/0');
    const ownTls = Boolean(config.HTTP_TLS_CERT_FILE);
    checks.push(
      checkRow(
        'HTTPS or a trusted proxy',
        !trustsAll && (ownTls || config.TRUST_PROXY.length > 0),
        ownTls
          ? `the gateway serves HTTPS (${config.HTTP_TLS_CERT_FILE})`
          : config.TRUST_PROXY.length
            ? `TRUST_PROXY=${config.TRUST_PROXY.join(',')}`
            : 'plain HTTP, no TLS-terminating proxy configured',
        trustsAll
          ? "name only the proxies' addresses in TRUST_PROXY, never everything"
          : 'set HTTP_TLS_CERT_FILE and HTTP_TLS_KEY_FILE, or terminate TLS in a proxy named in TRUST_PROXY',
      ),
    );
    checks.push(
      checkRow(
        'HSTS',
        config.HSTS_MAX_AGE_S >= 15_552_000,
        `max-age=${config.HSTS_MAX_AGE_S} on HTTPS answers`,
        'HSTS_MAX_AGE_S of at least 15552000 (180 days; the default is a year)',
      ),
    );
    checks.push(
      checkRow(
        'rate limits',
        config.RATE_LIMIT_REDIS_DOWN_WRITES === 'fail-closed',
        `writes while Redis is down: ${config.RATE_LIMIT_REDIS_DOWN_WRITES}`,
        'RATE_LIMIT_REDIS_DOWN_WRITES=fail-closed',
      ),
    );
  }
  checks.push(
    checkRow('log level', !['debug', 'trace'].includes(config.LOG_LEVEL), config.LOG_LEVEL, 'LOG_LEVEL=info (debug logs carry request details)', true),
  );
  const metricsPrivate = isPrivateHost(config.METRICS_HOST);
  checks.push(
    checkRow(
      'metrics listener',
      metricsPrivate || Boolean(config.METRICS_BEARER_TOKEN),
      `METRICS_HOST=${config.METRICS_HOST}${config.METRICS_BEARER_TOKEN ? ', bearer token required' : ''}`,
      'bind METRICS_HOST to a private address, or require a METRICS_BEARER_TOKEN(_FILE) of at least 32 characters',
    ),
  );
  checks.push(checkRow('container user', uid !== 0, uid === 0 ? 'running as root' : `uid ${uid ?? '?'}`, 'run as an unprivileged user (the image uses node)'));
  checks.push(checkRow('NODE_ENV', env.NODE_ENV === 'production', `NODE_ENV=${env.NODE_ENV ?? 'unset'}`, 'NODE_ENV=production', true));
  return checks;
}

/** The failed checks as one line each: what is wrong and the fix. */
export function describeFailures(checks: DeploymentCheck[]): string[] {
  return checks.filter((c) => c.status === 'fail').map((c) => `${c.check}: ${c.detail} (fix: ${c.fix})`);
}

/**
 * With NODE_ENV=production a process refuses to start on any failed check, naming each one; warnings
 * are returned for the caller to log. Outside production nothing is refused (the local defaults fail
 * most checks on purpose). `extra` are checks only one process can make (the sink's key custody).
 */
export function assertDeployable(config: Config, target: DeploymentTarget, extra: DeploymentCheck[] = [], uid = process.getuid?.()): DeploymentCheck[] {
  if (config.NODE_ENV !== 'production') return [];
  const checks = [...deploymentChecks(config, process.env, uid, target), ...extra];
  const failures = describeFailures(checks);
  if (failures.length) {
    throw new ConfigError(`refusing to start in production; failed deployment checks (run \`stateset doctor --production\`):\n  ${failures.join('\n  ')}`);
  }
  return checks.filter((c) => c.status === 'warn');
}
