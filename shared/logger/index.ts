import pino, { type Logger } from 'pino';

export type { Logger };

/** Secrets that must never reach a log line, wherever they appear in a logged object. */
const REDACT = ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie', '*.secret', '*.apiKey', '*.password', '*.token', '*.pepper'];

/** Errors go under `err`, through pino's serializer (name, message, stack, cause), never as text. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * The end of a process whose start failed (a bad configuration, an unreachable dependency): the
 * error through the serializer, written synchronously to stderr before the exit.
 */
export function exitOnStartFailure(service: string, exitCode: (err: unknown) => number = () => 1): (err: unknown) => never {
  return (err) => {
    createLogger(service, 'fatal', pino.destination({ dest: 2, sync: true })).fatal({ err }, 'process could not start');
    process.exit(exitCode(err));
  };
}
