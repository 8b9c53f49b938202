import { isIP } from 'node:net';
import { DEV_API_KEY_PEPPER, DEV_JWT_SIGNING_SEED, loadConfig, type Config } from '../../shared/config';
import { keyCustodyProblems } from '../../workers/audit-sink/key-custody';
import { wormStoreConfig } from '../../workers/audit-sink/store-config';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DoctorCheck {
  check: string;
  status: CheckStatus;
  detail: string;
  /** what to change; empty when the check passes */
  fix: string;
}

const WEAK_PASSWORDS = new Set(['', 'postgres', 'stateset', 'password', 'changeme', 'secret', 'admin']);

function row(check: string, ok: boolean, detail: string, fix: string, soft = false): DoctorCheck {
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
 * SECURITY.md's deployment checklist, checked against a configuration. Only the configuration, the
 * signing key's file and this process are read (no connection is made), so it runs anywhere, before start.
 */
export async function checkConfig(config: Config, env: NodeJS.ProcessEnv, uid: number | undefined): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const db = urlOf(config.DATABASE_URL);
  const dbPassword = db ? decodeURIComponent(db.password) : '';
  checks.push(
    row(
      'database password',
      !WEAK_PASSWORDS.has(dbPassword.toLowerCase()) && dbPassword.length >= 16,
      dbPassword ? 'DATABASE_URL has a password' : 'DATABASE_URL has no password',
      'give the database user a random password of at least 16 characters (DATABASE_URL_FILE)',
    ),
  );
  const sslmode = db?.searchParams.get('sslmode') ?? 'none';
  checks.push(row('database TLS', sslmode === 'verify-full', `sslmode=${sslmode}`, 'add ?sslmode=verify-full to DATABASE_URL'));
  const redis = urlOf(config.REDIS_URL);
  checks.push(row('Redis TLS', redis?.protocol === 'rediss:', `scheme ${redis?.protocol ?? '?'}`, 'use a rediss:// REDIS_URL'));
  checks.push(
    row('Redis AUTH', Boolean(redis?.password), redis?.password ? 'password set' : 'no password', 'set requirepass and put the password in REDIS_URL'),
  );
  checks.push(
    row(
      'Kafka TLS and SASL',
      false,
      'the Kafka client has no TLS or SASL settings yet',
      'keep the broker on a private network reachable only by the platform (see SECURITY.md)',
    ),
  );
  checks.push(
    row(
      'API-key pepper',
      config.API_KEY_PEPPER !== DEV_API_KEY_PEPPER,
      config.API_KEY_PEPPER === DEV_API_KEY_PEPPER ? 'the development default' : 'set',
      'set API_KEY_PEPPER to ≥32 random characters',
    ),
  );
  const devSeed = config.JWT_SIGNING_KEYS.length === 0 && config.JWT_SIGNING_SEED === DEV_JWT_SIGNING_SEED;
  checks.push(row('JWT signing key', !devSeed, devSeed ? 'the development seed' : 'set', 'set JWT_SIGNING_KEYS or a random JWT_SIGNING_SEED'));
  checks.push(
    row(
      'CORS',
      !config.CORS_ORIGINS.some((o) => o.includes('*')),
      config.CORS_ORIGINS.length ? config.CORS_ORIGINS.join(', ') : 'off',
      'list exact origins in CORS_ORIGINS, never *',
    ),
  );
  const trustsAll = config.TRUST_PROXY.some((p) => p === '*' || p === 'true' || p === '0.0.0.0/0' || p === '::/0');
  checks.push(
    row(
      'HTTPS or a trusted proxy',
      config.TRUST_PROXY.length > 0 && !trustsAll,
      config.TRUST_PROXY.length ? `TRUST_PROXY=${config.TRUST_PROXY.join(',')}` : 'no TLS-terminating proxy configured',
      'terminate TLS in a proxy and name only its addresses in TRUST_PROXY',
    ),
  );
  checks.push(
    row(
      'rate limits',
      config.RATE_LIMIT_REDIS_DOWN_WRITES === 'fail-closed',
      `writes while Redis is down: ${config.RATE_LIMIT_REDIS_DOWN_WRITES}`,
      'RATE_LIMIT_REDIS_DOWN_WRITES=fail-closed',
    ),
  );
  checks.push(row('log level', !['debug', 'trace'].includes(config.LOG_LEVEL), config.LOG_LEVEL, 'LOG_LEVEL=info (debug logs carry request details)', true));
  checks.push(row('metrics listener', isPrivateHost(config.METRICS_HOST), `METRICS_HOST=${config.METRICS_HOST}`, 'bind METRICS_HOST to a private address'));
  // The sink's own custody rule (unset, inside an audit folder, readable by others), not a second copy of it.
  const custody = await keyCustodyProblems(wormStoreConfig(config));
  checks.push(
    row(
      'audit signing key',
      custody.length === 0,
      custody.length ? custody.join('; ') : `AUDIT_SIGNING_KEY_PATH=${config.AUDIT_SIGNING_KEY_PATH}`,
      'give AUDIT_SIGNING_KEY_PATH (or AUDIT_SIGNING_KEY_FILE) a key file outside both audit folders, mode 0600',
    ),
  );
  checks.push(row('audit store', config.AUDIT_STORE === 's3', `AUDIT_STORE=${config.AUDIT_STORE}`, 'AUDIT_STORE=s3 on an Object Lock bucket', true));
  checks.push(row('container user', uid !== 0, uid === 0 ? 'running as root' : `uid ${uid ?? '?'}`, 'run as an unprivileged user (the image uses node)'));
  checks.push(row('NODE_ENV', env.NODE_ENV === 'production', `NODE_ENV=${env.NODE_ENV ?? 'unset'}`, 'NODE_ENV=production', true));
  return checks;
}

/**
 * `stateset doctor`: the configuration is read as the processes would read it. A configuration the
 * processes refuse (e.g. a development secret in production) is one failed check, with the reasons.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, uid = process.getuid?.()): Promise<DoctorCheck[]> {
  const configurationFailure = (err: unknown): DoctorCheck => ({
    check: 'configuration',
    status: 'fail',
    detail: (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, '; '),
    fix: 'correct the variables named',
  });
  let config: Config;
  try {
    // Parsed as in development so that every other check still runs on a configuration production refuses.
    config = loadConfig(env, { NODE_ENV: 'development' });
  } catch (err) {
    return [configurationFailure(err)];
  }
  const checks = await checkConfig(config, env, uid);
  try {
    loadConfig(env);
  } catch (err) {
    checks.unshift(configurationFailure(err));
  }
  return checks;
}

/** With --production every warning counts as a failure too. */
export function doctorExitCode(checks: DoctorCheck[], production: boolean): number {
  return checks.some((c) => c.status === 'fail' || (production && c.status === 'warn')) ? 1 : 0;
}

export function formatDoctor(checks: DoctorCheck[]): string {
  const w = Math.max(...checks.map((c) => c.check.length));
  return checks.map((c) => `${c.status.toUpperCase().padEnd(4)}  ${c.check.padEnd(w)}  ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`).join('\n');
}
