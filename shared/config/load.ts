import { envSchema, type Config } from './schema';
import { ConfigError } from '../errors';

/** Parses the environment once; a bad value stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const source: Record<string, string | undefined> = { ...env, ...overrides };
  // An empty variable means "unset" so that `FOO= npm start` falls back to the default.
  for (const [k, v] of Object.entries(source)) if (v === '') delete source[k];
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export type { Config };
