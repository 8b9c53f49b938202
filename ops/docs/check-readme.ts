/**
 * Docs check run by `npm run lint`: the README documents every environment variable of the config
 * schema, its first screen gives `npm start` and `npm test`, and `.ci/run` runs `npm test`.
 * Prints each problem and exits 1 when there is one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../shared/config';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const problems: string[] = [];

const missing = Object.keys(envSchema.shape).filter((k) => !readme.includes(`\`${k}\``));
if (missing.length > 0) problems.push(`README.md does not document ${missing.join(', ')} (add them to the Configuration table)`);

const firstScreen = readme.split('\n').slice(0, 15).join('\n');
for (const cmd of ['npm start', 'npm test']) {
  if (!firstScreen.includes(cmd)) problems.push(`README.md's first 15 lines do not give \`${cmd}\``);
}

if (!/^npm test$/m.test(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8'))) problems.push('.ci/run does not run `npm test` on a line of its own');

for (const p of problems) console.error(`docs: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
