import { readFileSync } from 'node:fs';
import { envSchema, type Config } from './schema';
import { ConfigError } from '../errors';

/**
 * Variables that hold secrets (or URLs that may carry a password): each can also be given as
 * `<NAME>_FILE`, the path of a file holding the value (container secrets), so it never has to sit
 * in the environment. The file's content is never echoed, not even in an error.
 */
export const SECRET_VARIABLES = [
  'API_KEY_PEPPER',
  'API_KEY_PEPPER_PREVIOUS',
  'COMMAND_SIGNING_KEY',
  'COMMAND_SIGNING_KEY_PREVIOUS',
  'JWT_SIGNING_SEED',
  'JWT_SIGNING_KEYS',
  'DATABASE_URL',
  'REDIS_URL',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'METRICS_BEARER_TOKEN',
  'KAFKA_SASL_PASSWORD',
  'WEBHOOK_SECRET_KEY',
  'WEBHOOK_SECRET_KEY_PREVIOUS',
] as const;

function readSecretFiles(source: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const file = source[`${name}_FILE`];
    delete source[`${name}_FILE`];
    if (file === undefined) continue;
    if (source[name] !== undefined) {
      problems.push(`  ${name}: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      source[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch {
      problems.push(`  ${name}_FILE: cannot read ${file}`);
    }
  }
  return problems;
}

/** Parses the environment once; a bad value stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const source: Record<string, string | undefined> = { ...env, ...overrides };
  // An empty variable means "unset" so that `FOO= npm start` falls back to the default.
  for (const [k, v] of Object.entries(source)) if (v === '') delete source[k];
  const fileProblems = readSecretFiles(source);
  const parsed = envSchema.safeParse(source);
  if (!parsed.success || fileProblems.length > 0) {
    const lines = [...fileProblems, ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`))];
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export type { Config };
