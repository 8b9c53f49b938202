import { EXIT } from './exit-codes';

/** Options every command has. */
export interface OutputOptions {
  json?: boolean;
}

/**
 * The one way a command prints its result: with --json one JSON document on stdout and nothing else
 * there (notes and progress go to stderr), otherwise the human text.
 */
export function emit(opts: OutputOptions, data: unknown, text: () => string): void {
  process.stdout.write(`${opts.json ? JSON.stringify(data) : text()}\n`);
}

/** A note for the operator: stderr, so stdout stays the result. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Ends a command with a given exit code and a message on stderr (no stack: it is an answer, not a crash). */
export class CliExit extends Error {
  override readonly name = 'CliExit';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const UNREACHABLE_NAMES =
  /^KafkaJS(ConnectionError|ConnectionClosedError|NumberOfRetriesExceeded|BrokerNotFound|RequestTimeoutError|NoBrokerAvailableError)$|^ConnectionException$/;

/** A dependency that could not be reached anywhere along the error's causes: exit 3 rather than 1. */
export function isUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (UNREACHABLE_NAMES.test(err.name)) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isUnavailable(e, depth + 1))) return true;
  return isUnavailable(err.cause, depth + 1);
}

/** The exit code of an error that ended a command. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliExit) return err.code;
  if (err instanceof Error && (err.name === 'CliUsageError' || err.name === 'UnknownDomainError')) return EXIT.usage;
  if ((err as { code?: string } | null)?.code?.startsWith?.('ERR_PARSE_ARGS')) return EXIT.usage;
  return isUnavailable(err) ? EXIT.unavailable : EXIT.failure;
}
