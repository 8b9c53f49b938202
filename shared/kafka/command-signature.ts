import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { readHeader } from './headers';
import { EXPECTED_VERSION_HEADER } from './expected-version';

export const COMMAND_SIGNATURE_HEADER = 'command-signature';

/** The headers a command's signature covers: everything a worker trusts about who asked for what. */
export const SIGNED_COMMAND_HEADERS = ['operation-id', 'command-type', 'tenant-id', 'principal', 'request-id', 'occurred-at'] as const;

export interface SignedCommand {
  topic: string;
  key: string;
  value: Buffer;
  /** the contract headers (string values), as published */
  headers: IHeaders;
}

/**
 * HMAC-SHA256 over the topic, the key, the signed headers and a digest of the Avro value, each on its
 * own line (none of them holds a newline: the gateway builds them from validated ids and types).
 * Binding the value and the topic means a signed tenant and principal cannot be lifted onto another
 * payload, resource or domain. A command with an `expected-version` (its If-Match) has it on a line
 * of its own, so it can be neither removed, added nor changed; a command without one signs exactly
 * as before the header existed.
 */
function digestOf(secret: string, c: SignedCommand): Buffer {
  const expected = readHeader(c.headers, EXPECTED_VERSION_HEADER);
  const lines = [
    'stateset-command-v1',
    c.topic,
    c.key,
    ...SIGNED_COMMAND_HEADERS.map((h) => readHeader(c.headers, h) ?? ''),
    ...(expected === undefined ? [] : [`${EXPECTED_VERSION_HEADER}:${expected}`]),
    createHash('sha256').update(c.value).digest('hex'),
  ];
  return createHmac('sha256', secret).update(lines.join('\n')).digest();
}

/**
 * Signs the commands the gateway publishes and verifies them in the workers. The key is shared by the
 * gateway and the workers only (COMMAND_SIGNING_KEY); during a rotation the previous key still verifies.
 */
export class CommandSigner {
  private readonly keys: string[];

  constructor(current: string, previous?: string) {
    this.keys = previous ? [current, previous] : [current];
  }

  sign(c: SignedCommand): string {
    return `v1=${digestOf(this.keys[0]!, c).toString('base64url')}`;
  }

  /** The headers with the signature added: what a publisher of commands sends. */
  signedHeaders(c: SignedCommand): IHeaders {
    return { ...c.headers, [COMMAND_SIGNATURE_HEADER]: this.sign(c) };
  }

  /** The message with its signature header: what a publisher of commands sends. */
  signMessage<M extends { topic: string; key: string; value: Buffer; headers: IHeaders }>(m: M): M {
    return { ...m, headers: this.signedHeaders(m) };
  }

  /** True when the message carries a signature by the current or the previous key over exactly these fields. */
  verify(c: SignedCommand): boolean {
    const presented = readHeader(c.headers, COMMAND_SIGNATURE_HEADER);
    if (!presented?.startsWith('v1=')) return false;
    const given = Buffer.from(presented.slice(3), 'base64url');
    return this.keys.some((k) => {
      const expected = digestOf(k, c);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }
}
