import type { IHeaders } from 'kafkajs';

/** The headers every message of the contract carries. */
export interface MessageHeaders {
  'operation-id': string;
  'tenant-id': string;
  principal: string;
  'request-id': string;
  'occurred-at': string;
  'command-type'?: string;
  'event-type'?: string;
  traceparent?: string;
}

export function toKafkaHeaders(h: Partial<MessageHeaders> & Record<string, string | undefined>): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v;
  return out;
}

export function readHeader(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}
