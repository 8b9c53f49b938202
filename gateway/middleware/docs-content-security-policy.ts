import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy of the Swagger UI page at /docs, replacing the one helmet sets on every
 * other answer. Swagger UI runs from files (swagger-ui-express serves its init script as
 * `swagger-ui-init.js`), so scripts stay `'self'` only: no inline script, no `'unsafe-eval'`. Its page
 * has inline `<style>` blocks and style attributes (React, the SVG sprite), which only
 * `'unsafe-inline'` for styles admits; a style cannot run code. "Try it out" calls the gateway itself
 * (`connect-src 'self'`). No `upgrade-insecure-requests`: a gateway served over plain HTTP
 * (PUBLIC_BASE_URL http://…) must stay callable from its own page.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function docsContentSecurityPolicy(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
    next();
  };
}
