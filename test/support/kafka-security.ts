import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * The broker's SASL_SSL listener as ops/infra/kafka.sh starts it, named by .infra/env
 * (KAFKA_SASL_SSL_BROKERS, KAFKA_TEST_CA_FILE, KAFKA_USERS_FILE). Missing or not answering is a
 * failure with the fix in the message, never a skip.
 */
export interface SaslListener {
  brokers: string;
  caFile: string;
  /** SCRAM-SHA-512 user → password (ops/infra/kafka.sh: one user per role, plus admin) */
  passwords: Record<string, string>;
}

const HOW = 'start the broker with ops/infra/kafka.sh (SASL_SSL listener, KAFKA_SASL_PORT, default 9094) and `source .infra/env`';

export async function saslListener(env: NodeJS.ProcessEnv = process.env): Promise<SaslListener> {
  const brokers = env.KAFKA_SASL_SSL_BROKERS;
  const caFile = env.KAFKA_TEST_CA_FILE;
  const usersFile = env.KAFKA_USERS_FILE;
  if (!brokers || !caFile || !usersFile) {
    throw new Error(`KAFKA_SASL_SSL_BROKERS, KAFKA_TEST_CA_FILE and KAFKA_USERS_FILE must be set: ${HOW}`);
  }
  const [host, port] = brokers.split(',')[0]!.split(':');
  const open = await new Promise<boolean>((resolve) => {
    const s = connect({ host, port: Number(port), timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
  if (!open) throw new Error(`the Kafka SASL_SSL listener ${brokers} is not answering: ${HOW}`);
  let text: string;
  try {
    text = readFileSync(usersFile, 'utf8');
  } catch {
    throw new Error(`cannot read the Kafka users file ${usersFile}: ${HOW}`);
  }
  const passwords = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { brokers, caFile, passwords };
}

/** Config overrides of a process connecting to the SASL_SSL listener as `user`. */
export function saslConfig(l: SaslListener, user: string, password = l.passwords[user]): Record<string, string> {
  if (!password) throw new Error(`no password for Kafka user ${user} in KAFKA_USERS_FILE (is ops/infra/kafka.sh older than the test?)`);
  return {
    KAFKA_BROKERS: l.brokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: l.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: password,
  };
}

/** Every `type`, `name` and message along an error's causes (kafkajs wraps them several levels deep). */
export function errorTrail(err: unknown, seen = new Set<unknown>()): string {
  if (err === null || typeof err !== 'object' || seen.has(err)) return '';
  seen.add(err);
  const e = err as { type?: unknown; name?: unknown; message?: unknown; code?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  const own = [e.type, e.name, e.code, e.message].filter((x) => typeof x === 'string').join(' ');
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].map((x) => errorTrail(x, seen));
  return [own, ...nested].filter(Boolean).join(' | ');
}
