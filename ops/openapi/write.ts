/**
 * `npm run openapi:write [file]`: writes the OpenAPI document (default docs/openapi.json, not kept
 * in git: GET /v1/openapi.json is the source) without any running service, for the linters
 * (`npm run lint:openapi`) and SDK generators. Configuration defaults, except PUBLIC_BASE_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../shared/config';
import { openApiDocument } from '../../gateway/http/openapi-document';

const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'docs', 'openapi.json'));
const config = loadConfig({ NODE_ENV: 'development', PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL });
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(openApiDocument(config), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
