import pino from 'pino';
import { loadConfig, type Config } from '../../shared/config';
import { createLogger, type Logger } from '../../shared/logger';

/** The configuration as the processes read it (the environment). */
export function cliConfig(): Config {
  return loadConfig();
}

/**
 * The CLI's logger writes to stderr (stdout is the command's result, one JSON document with --json)
 * and says only what went wrong unless LOG_LEVEL asks for more than the default.
 */
export function cliLogger(config: Config, service: string): Logger {
  return createLogger(service, config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, pino.destination({ dest: 2, sync: true }));
}
