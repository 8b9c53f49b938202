import type { Request, Response } from 'express';
import { InputError } from '../../shared/errors';
import { MAX_EXPECTED_VERSIONS, type ExpectedVersion } from '../../shared/kafka/expected-version';

/**
 * Conditional requests (RFC 9110 §13) over resource versions. A resource's ETag is its version as a
 * strong entity tag, `"3"`: GETs answer it and honour If-None-Match (304); commands on an existing
 * resource take If-Match, which the worker checks (operation failed with a 412 problem on mismatch).
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/** The entity tags of an If-Match / If-None-Match list, or `*`; a malformed header is a 400. */
function entityTags(header: string, name: string): '*' | { weak: boolean; opaque: string }[] {
  const value = header.trim();
  if (value === '*') return '*';
  const tags = value.split(',').map((t) => t.trim());
  if (tags.length > MAX_EXPECTED_VERSIONS) throw new InputError(`${name} names more than ${MAX_EXPECTED_VERSIONS} entity tags`);
  return tags.map((t) => {
    const m = ENTITY_TAG.exec(t);
    if (!m) throw new InputError(`${name} must be "*" or a list of entity tags such as "3"`, [{ path: name, message: 'malformed entity tag' }]);
    return { weak: m[1] !== undefined, opaque: m[2]! };
  });
}

/**
 * The versions a command's If-Match names (undefined: no If-Match). Only strong tags this API issues
 * (`"<version>"`) can ever match, so any other tag is refused at once (400) rather than accepted
 * for an operation bound to fail.
 */
export function expectedVersionOf(req: Request): ExpectedVersion | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const tags = entityTags(header, 'If-Match');
  if (tags === '*') return '*';
  return tags.map((t) => {
    if (t.weak || !/^[1-9][0-9]{0,14}$/.test(t.opaque)) {
      throw new InputError('If-Match takes the strong ETags this API answers, such as "3"', [{ path: 'If-Match', message: 'not an ETag of this API' }]);
    }
    return Number(t.opaque);
  });
}

/**
 * Sets the ETag and answers 304 Not Modified (and true) when If-None-Match names it (weak
 * comparison, `*` matches any existing resource); otherwise the caller sends the body.
 */
export function answeredNotModified(req: Request, res: Response, etag: string): boolean {
  res.setHeader('ETag', etag);
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  const tags = entityTags(header, 'If-None-Match');
  const opaque = etag.slice(1, -1);
  if (tags !== '*' && !tags.some((t) => t.opaque === opaque)) return false;
  res.status(304).end();
  return true;
}
