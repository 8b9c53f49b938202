import type { MessageHeaders } from './headers';
import { COMMAND_SIGNATURE_HEADER, SIGNED_COMMAND_HEADERS } from './command-signature';
import { EXPECTED_VERSION_HEADER } from './expected-version';

/** The kinds of message of the Kafka contract, each with its own set of headers. */
export type MessageKind = 'command' | 'event' | 'audit' | 'dlq';

export interface HeaderDoc {
  description: string;
  /** the kinds that carry it, and whether each always does */
  on: Partial<Record<MessageKind, 'required' | 'optional'>>;
  format?: 'uuid' | 'date-time';
  example: string;
}

type ContractHeader = keyof MessageHeaders | 'event-id' | typeof COMMAND_SIGNATURE_HEADER | typeof EXPECTED_VERSION_HEADER;

const signed = `covered by \`${COMMAND_SIGNATURE_HEADER}\` on commands`;

/**
 * Every header a message of the contract carries, as docs/asyncapi.yaml describes it. Typed so that a
 * header added to MessageHeaders cannot be left out; what producers write is in the gateway's command
 * service, shared/outbox/writer.ts and shared/worker/dlq.ts.
 */
export const HEADER_CATALOG: Record<ContractHeader, HeaderDoc> & Record<string, HeaderDoc> = {
  'operation-id': {
    description: `The operation (GET /v1/operations/{id}) the message belongs to; a command's inbox key. Empty on audit records of no operation (e.g. a failed login). ${signed}.`,
    on: { command: 'required', event: 'required', audit: 'required' },
    format: 'uuid',
    example: '0b8f3c1e-6d2a-4f57-9a41-3e2d6f0c9a11',
  },
  'command-type': {
    description: `The command type of the catalog (\`<resource>.<verb>.v<n>\`): which handler applies it. ${signed}.`,
    on: { command: 'required' },
    example: 'order.create.v1',
  },
  'event-type': {
    description: 'The event type of the catalog (`<resource>.<past tense>.v<n>`); on the audit topic `audit.<action>` (e.g. `audit.command.accepted`).',
    on: { event: 'required', audit: 'required' },
    example: 'order.created.v1',
  },
  'event-id': {
    description: "The event's own id, unique per event: a consumer's inbox (deduplication) key; on audit records the record's `eventId`.",
    on: { event: 'required', audit: 'required' },
    format: 'uuid',
    example: '5f1d2b7a-3c4e-4a8b-9d6f-1e2a3b4c5d6e',
  },
  'tenant-id': {
    description: `The tenant of the principal who asked; every row and payload is scoped by it. Empty on audit records of no tenant (an unauthenticated request). ${signed}.`,
    on: { command: 'required', event: 'required', audit: 'required' },
    example: 'acme',
  },
  principal: {
    description: `Who asked: \`api-key:<key id>\` for an API key, \`jwt:<subject>\` for a token of the gateway, \`jwt:<issuer>:<subject>\` for one of an external issuer. Empty on audit records of no principal. ${signed}.`,
    on: { command: 'required', event: 'required', audit: 'required' },
    example: 'api-key:3f9a1c2b4d5e6f70',
  },
  'request-id': {
    description: `The HTTP request's \`X-Request-Id\`, carried through every message it caused. ${signed}.`,
    on: { command: 'required', event: 'required', audit: 'required' },
    example: 'req-7c2f9e4b1a',
  },
  'occurred-at': {
    description: `When the command was accepted or the event happened (ISO 8601, UTC). ${signed}.`,
    on: { command: 'required', event: 'required', audit: 'required' },
    format: 'date-time',
    example: '2026-01-01T12:00:00.000Z',
  },
  traceparent: {
    description: 'W3C Trace Context of the request, when it carried one.',
    on: { command: 'optional', event: 'optional' },
    example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
  [COMMAND_SIGNATURE_HEADER]: {
    description: `\`v1=<base64url HMAC-SHA256>\` by \`COMMAND_SIGNING_KEY\` over the topic, the key, ${SIGNED_COMMAND_HEADERS.map((h) => `\`${h}\``).join(', ')}, \`${EXPECTED_VERSION_HEADER}\` when present and the value's SHA-256. A worker applies only a command it verifies and dead-letters the rest as forged (SECURITY.md, "What a worker trusts").`,
    on: { command: 'required' },
    example: 'v1=mGZzQ8m2c0c0N1zq5s1o0yS3Jm0rQyq8r8fA0J6Xb2c',
  },
  [EXPECTED_VERSION_HEADER]: {
    description:
      "The request's `If-Match`: `*` (the resource must exist) or the versions it may apply to (`3` or `3,4`). The worker compares it with the resource; a mismatch fails the operation with 412. Signed.",
    on: { command: 'optional' },
    example: '3',
  },
  'dlq-reason': {
    description: 'Why the message could not be processed (at most 500 characters), e.g. a decoding error or "forged command".',
    on: { dlq: 'required' },
    example: 'missing headers: command-type',
  },
  'dlq-error': { description: 'The name of the error that sent it here.', on: { dlq: 'required' }, example: 'PoisonMessageError' },
  'dlq-original-topic': { description: 'The command topic the message was read from.', on: { dlq: 'required' }, example: 'stateset.commands.orders' },
  'dlq-original-partition': { description: 'Its partition there.', on: { dlq: 'required' }, example: '2' },
  'dlq-original-offset': { description: 'Its offset there.', on: { dlq: 'required' }, example: '1042' },
  'dlq-at': { description: 'When it was dead-lettered (ISO 8601, UTC).', on: { dlq: 'required' }, format: 'date-time', example: '2026-01-01T12:00:01.000Z' },
};

/** The headers a kind of message carries, in catalog order. */
export function headersOf(kind: MessageKind): [string, HeaderDoc][] {
  return Object.entries(HEADER_CATALOG).filter(([, doc]) => doc.on[kind] !== undefined);
}
