import { Option, type Command } from 'commander';
import { arg, CliUsageError } from '../args';
import type { GatewayTarget } from '../gateway-client';

/** The gateway's port when HTTP_PORT is left at its default (shared/config/schema.ts). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:3000';

/** Every leaf command takes --json: one JSON document on stdout, nothing else there. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print one JSON document on stdout (notes and errors go to stderr)');
}

/** An empty variable (`STATESET_API_KEY=`) counts as unset, as a shell user means it. */
const unlessEmpty =
  <T>(parse: (raw: string) => T) =>
  (raw: string): T | undefined =>
    raw === '' ? undefined : parse(raw);

/** The HTTP commands' target: the gateway's base URL and an API key of the tenant. */
export function withGateway(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--url <url>', 'the gateway base URL')
        .env('STATESET_URL')
        .default(DEFAULT_GATEWAY_URL)
        .argParser(unlessEmpty(arg('url'))),
    )
    .addOption(
      new Option('--api-key <key>', 'an API key of the tenant (prefer the variable: a command line is visible to other users)')
        .env('STATESET_API_KEY')
        .argParser(unlessEmpty(arg('api-key'))),
    );
}

export function gatewayTarget(opts: { url?: string; apiKey?: string }): GatewayTarget {
  if (!opts.apiKey) throw new CliUsageError('an API key is required: set STATESET_API_KEY (or pass --api-key)');
  return { url: opts.url ?? DEFAULT_GATEWAY_URL, apiKey: opts.apiKey };
}

/** Pagination options of a listing, as the API takes them. */
export function withPages(cmd: Command): Command {
  return cmd
    .option('--limit <n>', 'items per page, 1 to 100', arg('limit'))
    .option('--cursor <cursor>', 'the nextCursor of the page before', arg('cursor'))
    .option('--all', 'follow nextCursor to the last page');
}

/**
 * The action of a leaf command: whatever it returns is the exit code (nothing: 0). Thrown errors are
 * mapped by main.ts (usage 2, unavailable 3, else 1).
 */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args) => {
    process.exitCode = (await fn(...args)) ?? 0;
  };
}
