/**
 * The versions a command may apply to, carried in its `expected-version` header (covered by the
 * command signature): `*` (the resource must exist) or the versions of an `If-Match` list, written
 * `3` or `3,4`. The gateway builds it from a request's If-Match; the worker compares it with the
 * resource before applying the command.
 */
export const EXPECTED_VERSION_HEADER = 'expected-version';

export type ExpectedVersion = '*' | readonly number[];

/** Most versions one If-Match may name: a bound on what a request makes the worker compare. */
export const MAX_EXPECTED_VERSIONS = 16;

export function formatExpectedVersion(e: ExpectedVersion): string {
  return e === '*' ? '*' : e.join(',');
}

/** The header's value, or null when it is not one formatExpectedVersion writes. */
export function parseExpectedVersion(value: string): ExpectedVersion | null {
  if (value === '*') return '*';
  const parts = value.split(',');
  if (parts.length > MAX_EXPECTED_VERSIONS || !parts.every((p) => /^[1-9][0-9]{0,14}$/.test(p))) return null;
  return parts.map(Number);
}

export function versionMatches(expected: ExpectedVersion, version: number): boolean {
  return expected === '*' || expected.includes(version);
}
