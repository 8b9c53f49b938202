import pino from 'pino';
import { loadConfig, type Config } from '../../shared/config';
import { createLogger, type Logger } from '../../shared/logger';

/** The configuration as the processes read it (the environment). */
export function cliConfig(): Config {
  return loadConfig();
}

/**
 * The CLI's logger writes to stderr (stdout is the command's result, one JSON document with --json)
 * and at the default LOG_LEVEL only at `quiet` and above: a read-only command that cannot reach Kafka
 * says so once, in its error, not in every retry of the client.
 */
export function cliLogger(config: Config, service: string, quiet: 'warn' | 'fatal' = 'warn'): Logger {
  return createLogger(service, config.LOG_LEVEL === 'info' ? quiet : config.LOG_LEVEL, pino.destination({ dest: 2, sync: true }));
}
