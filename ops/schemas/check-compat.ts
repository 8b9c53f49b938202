/**
 * BACKWARD compatibility of the message contracts, checked without a registry: every .avsc has a
 * history under schemas/history/; a new version must read data written with every older one.
 *   npx tsx ops/schemas/check-compat.ts            check (CI): fails on an unrecorded or incompatible change
 *   npx tsx ops/schemas/check-compat.ts --record   record the current versions after checking them
 */
import fs from 'node:fs';
import path from 'node:path';
import avro from 'avsc';

const root = path.resolve(__dirname, '..', '..', 'schemas');
const historyDir = path.join(root, 'history');

function avscFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ['generated', 'history'].includes(e.name) ? [] : avscFiles(p);
    return e.name.endsWith('.avsc') ? [p] : [];
  });
}

/** Empty when `reader` can read what `writer` wrote; else the reason. */
export function backwardIncompatibility(reader: unknown, writer: unknown): string {
  try {
    avro.Type.forSchema(reader as avro.Schema).createResolver(avro.Type.forSchema(writer as avro.Schema));
    return '';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function main(): number {
  const record = process.argv.includes('--record');
  let problems = 0;
  for (const file of avscFiles(root).sort()) {
    const rel = path.relative(root, file);
    const current = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    const histFile = path.join(historyDir, rel.replace(/\.avsc$/, '.json'));
    const history = fs.existsSync(histFile) ? (JSON.parse(fs.readFileSync(histFile, 'utf8')) as unknown[]) : [];
    for (const [i, old] of history.entries()) {
      const why = backwardIncompatibility(current, old);
      if (why) {
        console.error(`INCOMPATIBLE ${rel}: cannot read data written with version ${i + 1}: ${why}`);
        problems++;
      }
    }
    const recorded = history.length > 0 && same(history[history.length - 1], current);
    if (!recorded) {
      if (record) {
        fs.mkdirSync(path.dirname(histFile), { recursive: true });
        fs.writeFileSync(histFile, JSON.stringify([...history, current], null, 2) + '\n');
        console.log(`recorded ${rel} as version ${history.length + 1}`);
      } else {
        console.error(`UNRECORDED ${rel}: changed since its last recorded version; run \`npm run schemas:record\``);
        problems++;
      }
    }
  }
  if (problems > 0) {
    console.error(`${problems} schema compatibility problem(s)`);
    return 1;
  }
  console.log('schemas: every version is BACKWARD compatible with its history');
  return 0;
}

if (require.main === module) process.exit(main());
