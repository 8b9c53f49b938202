/**
 * Writes docs/asyncapi.yaml (AsyncAPI 3) from the catalog, the topic plan, the header catalog, the
 * .avsc files and the broker ACL plan (ops/schemas/asyncapi.ts). `--check` fails when the committed
 * file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApi } from './asyncapi';

const header = '# Generated from schemas/catalog/ by `npm run schemas:asyncapi`; do not edit by hand.\n';
const content = header + stringify(buildAsyncApi(), { lineWidth: 0, aliasDuplicateObjects: false });
const target = path.resolve(__dirname, '..', '..', 'docs', 'asyncapi.yaml');
if (process.argv.includes('--check')) {
  if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== content) {
    console.error('docs/asyncapi.yaml is stale: run `npm run schemas:asyncapi`');
    process.exit(1);
  }
  console.log('docs/asyncapi.yaml is up to date');
} else {
  fs.writeFileSync(target, content);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
