import type { KafkaMessage } from 'kafkajs';
import { readHeader } from '../kafka';
import { PoisonMessageError } from '../errors';
import { EXPECTED_VERSION_HEADER, parseExpectedVersion, type ExpectedVersion } from '../kafka/expected-version';

/** What the contract headers of a consumed message say (the payload is decoded separately). */
export interface Envelope {
  kind: 'command' | 'event';
  /** Inbox key: the operation id of a command, the event id of an event. */
  messageId: string;
  operationId: string;
  /** The command type of a command, the event type of an event. */
  commandType: string;
  tenantId: string;
  principal: string;
  requestId: string;
  occurredAt: Date;
  /** A command's `expected-version` header (the request's If-Match, signed with it), when it has one. */
  expectedVersion?: ExpectedVersion;
}

const COMMAND_HEADERS = ['operation-id', 'command-type', 'tenant-id', 'principal', 'request-id', 'occurred-at'] as const;
const EVENT_HEADERS = ['event-id', 'event-type', 'operation-id', 'tenant-id', 'principal', 'request-id', 'occurred-at'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the envelope from the headers; a message without the contract headers is poison. */
export function envelopeOf(m: KafkaMessage): Envelope {
  const kind = readHeader(m.headers, 'event-type') !== undefined ? 'event' : 'command';
  const required = kind === 'event' ? EVENT_HEADERS : COMMAND_HEADERS;
  const h: Record<string, string | undefined> = Object.fromEntries(required.map((n) => [n, readHeader(m.headers, n)]));
  const missing = required.filter((n) => !h[n]);
  if (missing.length > 0) throw new PoisonMessageError(`missing headers: ${missing.join(', ')}`);
  const messageId = kind === 'event' ? h['event-id']! : h['operation-id']!;
  if (!UUID.test(messageId) || !UUID.test(h['operation-id']!)) throw new PoisonMessageError('operation-id or event-id is not a UUID');
  const occurredAt = new Date(h['occurred-at']!);
  const expected = kind === 'command' ? readHeader(m.headers, EXPECTED_VERSION_HEADER) : undefined;
  const expectedVersion = expected === undefined ? undefined : parseExpectedVersion(expected);
  if (expectedVersion === null) throw new PoisonMessageError(`${EXPECTED_VERSION_HEADER} is not "*" or a list of versions`);
  return {
    kind,
    messageId,
    operationId: h['operation-id']!,
    commandType: (kind === 'event' ? h['event-type'] : h['command-type'])!,
    tenantId: h['tenant-id']!,
    principal: h.principal!,
    requestId: h['request-id']!,
    occurredAt: Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt,
    ...(expectedVersion ? { expectedVersion } : {}),
  };
}

/** The headers of a message as strings (for the DLQ copy). */
export function headersOf(m: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const s = readHeader({ [k]: v as Buffer }, k);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** The metrics label of a message: its command or event type, `unknown` without one. */
export function typeOf(m: KafkaMessage): string {
  return readHeader(m.headers, 'command-type') ?? readHeader(m.headers, 'event-type') ?? 'unknown';
}
