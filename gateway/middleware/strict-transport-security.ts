import type { RequestHandler } from 'express';

/**
 * `Strict-Transport-Security` on HTTPS requests only: the gateway's own TLS, or a TLS-terminating
 * proxy named in TRUST_PROXY saying `X-Forwarded-Proto: https` (Express' req.secure). Browsers ignore
 * the header over plain HTTP, and sending it there would only claim a protection that is not there.
 */
export function strictTransportSecurity(maxAgeS: number): RequestHandler {
  const value = `max-age=${maxAgeS}; includeSubDomains`;
  return (req, res, next) => {
    if (maxAgeS > 0 && req.secure) res.setHeader('Strict-Transport-Security', value);
    next();
  };
}
